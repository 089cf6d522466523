package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LedgerCorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sameSeedSameDocumentsOtherSeedOtherDocuments() {
        assertEquals(LedgerCorpus.documents(7, 50), LedgerCorpus.documents(7, 50));
        assertNotEquals(LedgerCorpus.documents(7, 50), LedgerCorpus.documents(8, 50));
    }

    /**
     * Each record states exactly what its text line says: the amount as parsed, the date (written in full, or
     * relative to the day in the document's first line and resolved by {@link RelativeDates}), the people.
     */
    @Test
    void everyRecordMatchesItsTextLine() throws Exception {
        int relative = 0;
        int lowerCase = 0;
        int phones = 0;
        int entries = 0;
        int dayWords = 0;
        for (String doc : LedgerCorpus.documents(42, 300)) {
            List<String> lines = doc.lines().toList();
            assertTrue(lines.size() >= 3 && lines.size() % 2 == 1, doc);
            LocalDate today = today(lines.get(0));
            for (int i = 1; i < lines.size(); i += 2) {
                String text = lines.get(i);
                String lower = text.toLowerCase(Locale.ROOT);
                JsonNode rec = JSON.readTree(lines.get(i + 1));
                assertEquals(List.of("date", "type", "amount", "currency", "counterparty", "channel", "memo"),
                        iterable(rec.fieldNames()), lines.get(i + 1));
                LocalDate date = LocalDate.parse(rec.get("date").asText());
                String when = text.substring(0, text.indexOf(": "));
                entries++;
                String weekdayId = RelativeDates.weekdayName(date.getDayOfWeek(), Language.ID).toLowerCase(Locale.ROOT);
                String weekdayEn = RelativeDates.weekdayName(date.getDayOfWeek(), Language.EN).toLowerCase(Locale.ROOT);
                if (lower.startsWith(weekdayId + ", ") || lower.startsWith(weekdayEn + ", ")) {
                    assertTrue(when.contains(" " + date.getDayOfMonth() + " ") && when.endsWith("" + date.getYear()), text);
                } else {
                    relative++;
                    dayWords += RelativeDates.Form.of(when) == RelativeDates.Form.DAY_WORD ? 1 : 0;
                    assertEquals(date, RelativeDates.resolve(when, today).orElseThrow(() -> new AssertionError(text)), text);
                }
                if (text.equals(lower)) {
                    lowerCase++;
                }
                Money said = AmountNormalizer.findAll(text.substring(text.indexOf(": ") + 2)).get(0);
                assertEquals(0, said.amount().compareTo(rec.get("amount").decimalValue()), text);
                assertEquals(said.currency(), rec.get("currency").asText(), text);
                if (!rec.get("counterparty").isNull()) {
                    String who = rec.get("counterparty").asText();
                    if (who.matches("\\d+")) {
                        phones++;
                        assertTrue(text.replaceAll("[ -]", "").contains(who), text);
                        assertFalse(PaymentLexicon.PHONE_PREFIXES_TEST.contains(who.substring(0, 4)), text);
                    } else {
                        assertTrue(lower.contains(who.toLowerCase(Locale.ROOT)), text);
                    }
                }
                if (!rec.get("memo").isNull()) {
                    assertTrue(lower.endsWith(rec.get("memo").asText().toLowerCase(Locale.ROOT)), text);
                }
            }
        }
        // the skills the corpus is there for actually occur
        assertTrue(relative > 100 && lowerCase > 100 && phones > 100, relative + " " + lowerCase + " " + phones);
        // "kemarin", "besok", "lusa", "today": what people write most, resolved against the header's date
        assertTrue(dayWords > entries / 10, dayWords + " day words in " + entries + " entries");
    }

    /**
     * The document's first line: "Catatan transaksi, hari ini Senin, 8 Januari 2024 (2024-01-08)" or its English
     * twin; the long form and the ISO date must agree.
     */
    private static LocalDate today(String header) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(\\d{1,2}) (\\p{L}+) (\\d{4}) \\((\\d{4}-\\d{2}-\\d{2})\\)$").matcher(header);
        assertTrue(m.find(), header);
        LocalDate date = RelativeDates.resolve(m.group(1) + " " + m.group(2) + " " + m.group(3), LocalDate.of(2000, 1, 1))
                .orElseThrow(() -> new AssertionError(header));
        assertEquals(date, LocalDate.parse(m.group(4)), header);
        assertTrue(header.contains(RelativeDates.weekdayName(date.getDayOfWeek(), Language.ID))
                || header.contains(RelativeDates.weekdayName(date.getDayOfWeek(), Language.EN)), header);
        return date;
    }

    @Test
    void neverNamesATestSplitPerson() {
        List<String> testNames = new java.util.ArrayList<>();
        for (int i = 0; i < PaymentLexicon.NAMES.size(); i++) {
            if (PaymentLexicon.isTestName(i)) {
                testNames.add(PaymentLexicon.NAMES.get(i));
            }
        }
        for (String doc : LedgerCorpus.documents(42, 500)) {
            for (String name : testNames) {
                assertFalse(doc.matches("(?s).*\\b" + name + "\\b.*"), name + " in " + doc);
            }
        }
        Random r = new Random(3);
        for (int i = 0; i < 2000; i++) {
            assertFalse(PaymentLexicon.isReservedWord(PaymentLexicon.syntheticName(r)));
        }
    }

    /** The corpus file round-trips, and a bad line is reported with the file and line number. */
    @Test
    void corpusFileRoundTripsAndNamesBadLines(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        List<String> docs = LedgerCorpus.documents(5, 20);
        java.nio.file.Path file = dir.resolve("ledger.jsonl");
        PaymentJsonl.writeLines(file, docs.stream().map(PaymentJsonl::textLine).toList());
        assertEquals(docs, PaymentJsonl.readTexts(file));
        java.nio.file.Files.writeString(file, PaymentJsonl.textLine("ok") + "\n{\"txt\":\"no\"}\n");
        TaskDataException e = org.junit.jupiter.api.Assertions.assertThrows(TaskDataException.class,
                () -> PaymentJsonl.readTexts(file));
        assertTrue(e.getMessage().contains("ledger.jsonl:2: ") && e.getMessage().contains("\"text\""),
                e.getMessage());
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
