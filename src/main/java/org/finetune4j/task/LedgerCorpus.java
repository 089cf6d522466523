package org.finetune4j.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * General "world knowledge" text for pretraining the tiny base model: transaction logs in which each entry is a
 * line of text followed by the same entry as a JSON record.
 *
 * <p>Why it exists: a real pretrained LLM has seen plenty of JSON, knows that "250rb" is 250000 and that
 * "Selasa, 9 Januari 2024" is 2024-01-09. A base model pretrained only on chat prose has never seen a brace, so
 * every JSON token's embedding is untrained and LoRA alone cannot learn the format in a few minutes. These logs
 * teach JSON syntax, numbers and ISO dates <em>outside</em> any chat: the records use their own keys ({@code
 * date, type, amount, currency, counterparty, channel, memo}), not the task's schema and not its intent labels,
 * and the base model still only ever answers chat messages in prose — fine-tuning is what makes it answer in the
 * task's JSON. People are drawn from the training names and made-up names, never from the test split's names;
 * phone numbers never use a test-split prefix. Made-up names, random digits, lower-cased lines and relative dates
 * make the records impossible to predict without copying and resolving what the line says — the skills the
 * task needs (a 6.8 M model trained on a few million tokens does not pick them up from the chat prose alone).
 */
public final class LedgerCorpus {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate FIRST_DAY = LocalDate.of(2023, 6, 1);
    private static final int SPAN_DAYS = 4 * 365;

    private LedgerCorpus() {
    }

    /**
     * {@code count} documents of one to three entries each; the same seed gives the same documents. A document
     * starts with the day it was written ("Catatan transaksi, hari ini Senin, 8 Januari 2024 (2024-01-08)",
     * the ISO date as the task's system prompt states it); an entry's date is
     * written in full or relative to that day ("besok", "3 hari lagi", "Jumat depan", "tgl 5"), as people write
     * it, and its record always holds the resolved ISO date.
     */
    public static List<String> documents(long seed, int count) {
        Random r = new Random(seed * 31 + 7);
        List<String> docs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Language lang = r.nextInt(100) < 55 ? Language.ID : Language.EN;
            LocalDate today = FIRST_DAY.plusDays(r.nextInt(SPAN_DAYS));
            StringBuilder sb = new StringBuilder(lang == Language.EN ? "Transaction log, today is " : "Catatan transaksi, hari ini ")
                    .append(RelativeDates.dayInFull(today, lang)).append('\n');
            int entries = 1 + r.nextInt(3);
            for (int e = 0; e < entries; e++) {
                entry(sb, lang, today, r);
            }
            docs.add(sb.toString().stripTrailing());
        }
        return docs;
    }

    /**
     * Days from the log's today to an entry: 40 % yesterday to the day after tomorrow, 25 % within the next two
     * weeks, the rest anywhere from two weeks back to a month ahead. Dates near today are the ones people write as
     * "kemarin", "besok", "lusa" or a weekday, and resolving those against today — the ISO date in the header — is
     * exactly what the task's date field needs; uniform offsets over 45 days gave such words to under 3 % of lines.
     */
    private static int entryOffset(Random r) {
        int k = r.nextInt(100);
        return k < 40 ? r.nextInt(4) - 1 : k < 65 ? 3 + r.nextInt(11) : r.nextInt(45) - 14;
    }

    private static void entry(StringBuilder sb, Language lang, LocalDate today, Random r) {
        LocalDate date = today.plusDays(entryOffset(r));
        Money money = money(r);
        // who: mostly made-up names (only copying gets them right), some training names, phone numbers with
        // random prefixes (never a test-split prefix), sometimes nobody
        int w = r.nextInt(10);
        String who = w < 4 ? PaymentLexicon.syntheticName(r) : w < 6 ? PaymentLexicon.name(Split.TRAIN, lang, r)
                : w < 8 ? PaymentLexicon.phone(Split.TRAIN, r) : null;
        String whoText = who == null ? null : who.matches("\\d+") ? PaymentLexicon.writePhone(who, r) : who;
        List<String> channels = switch (r.nextInt(3)) {
            case 0 -> PaymentLexicon.WALLETS;
            case 1 -> PaymentLexicon.BILLERS;
            default -> PaymentLexicon.OPERATORS;
        };
        String channel = r.nextInt(3) == 0 ? null : channels.get(r.nextInt(channels.size()));
        List<String> memos = lang == Language.EN ? PaymentLexicon.NOTES_EN : PaymentLexicon.NOTES_ID;
        String memo = r.nextInt(3) == 0 ? memos.get(r.nextInt(memos.size())) : null;
        boolean incoming = who != null && r.nextInt(3) == 0;

        // the text line: the date (in full with its weekday, or relative to today), the amount as people write it
        // (sometimes "250rb"), who, channel, memo; a third of the lines are typed in lower case
        String amountText = r.nextBoolean() ? AmountFormatter.render(money, lang, r)
                : ProseAnswers.displayAmount(money, lang == Language.EN);
        StringBuilder line = new StringBuilder();
        if (r.nextBoolean()) {
            line.append(RelativeDates.weekdayAndLongForm(date, lang));
        } else {
            line.append(RelativeDates.render(date, today, lang, r));
        }
        line.append(": ");
        if (lang == Language.EN) {
            line.append(incoming ? "received " : "paid ").append(amountText);
            if (who != null) {
                line.append(incoming ? " from " : " to ").append(whoText);
            }
            if (channel != null) {
                line.append(" via ").append(channel);
            }
            if (memo != null) {
                line.append(" for ").append(memo);
            }
        } else {
            line.append(incoming ? "terima " : "bayar ").append(amountText);
            if (who != null) {
                line.append(incoming ? " dari " : " ke ").append(whoText);
            }
            if (channel != null) {
                line.append(" lewat ").append(channel);
            }
            if (memo != null) {
                line.append(" untuk ").append(memo);
            }
        }
        sb.append(r.nextInt(3) == 0 ? line.toString().toLowerCase(java.util.Locale.ROOT) : line).append('\n');

        ObjectNode rec = JSON.createObjectNode();
        rec.put("date", date.toString());
        rec.put("type", incoming ? "credit" : "debit");
        rec.put("amount", money.amount());
        rec.put("currency", money.currency());
        rec.put("counterparty", who);
        rec.put("channel", channel);
        rec.put("memo", memo);
        sb.append(rec).append('\n');
    }

    private static Money money(Random r) {
        if (r.nextInt(6) == 0) {
            String currency = PaymentLexicon.FOREIGN.get(r.nextInt(PaymentLexicon.FOREIGN.size()));
            boolean whole = currency.equals("JPY") || r.nextBoolean();
            return new Money(whole ? BigDecimal.valueOf(1 + r.nextInt(3_000))
                    : BigDecimal.valueOf(100 + r.nextInt(300_000), 2), currency);
        }
        long idr = switch (r.nextInt(4)) {
            case 0 -> (1 + r.nextInt(200)) * 5_000L;
            case 1 -> (1 + r.nextInt(3_000)) * 1_000L;
            case 2 -> (1 + r.nextInt(50)) * 100_000L;
            default -> 1_000 + r.nextInt(3_000_000);
        };
        return new Money(BigDecimal.valueOf(idr), "IDR");
    }
}
