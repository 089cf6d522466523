package org.finetune4j.task;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The one-sentence confirmations of the prose variant ("Baik, transfer Rp250.000 ke Budi pada 2024-12-03."), in
 * English for English messages and in Indonesian otherwise. Used only to pretrain the base model.
 *
 * <p>The date is written in ISO form, as the JSON answer writes it: pretraining then teaches the resolution of
 * "besok" or "5 Okt" straight into the form fine-tuning needs. The session-11 base, pretrained on "pada Sabtu,
 * 5 Oktober 2024", got the day right in its prose for only 95 of 183 dated test messages, and its fine-tuned model
 * no more (74 of 155); a weekday of an absolute date ("5 Oktober" is a Saturday) is calendar arithmetic that no
 * field needs and the small model cannot learn, and the long form left the month-name-to-number step to
 * fine-tuning.
 */
public final class ProseAnswers {

    private ProseAnswers() {
    }

    /** The confirmation of {@code gold} for a message written in {@code language}. */
    public static String confirm(PaymentRequest gold, Language language) {
        return language.repliesInEnglish() ? english(gold) : indonesian(gold);
    }

    private static String indonesian(PaymentRequest g) {
        String amt = g.amount() == null ? null : displayAmount(g.money(), false);
        StringBuilder sb = new StringBuilder("Baik, ");
        switch (g.intent()) {
            case TRANSFER -> sb.append("transfer ").append(amt).append(" ke ").append(g.recipient())
                    .append(opt(" lewat ", g.provider()));
            case PAY_BILL -> sb.append("bayar tagihan").append(opt(" ", g.provider())).append(opt(" sebesar ", amt));
            case TOP_UP -> sb.append("isi saldo").append(opt(" ", g.provider())).append(opt(" sebesar ", amt))
                    .append(opt(" untuk ", g.recipient()));
            case BUY_AIRTIME -> sb.append("beli pulsa").append(opt(" ", g.provider())).append(opt(" ", amt))
                    .append(opt(" untuk ", g.recipient()));
            case CHECK_BALANCE -> sb.append("saya cek saldo").append(opt(" ", g.provider())).append(" kamu");
            case REQUEST_MONEY -> sb.append("minta ").append(amt).append(" dari ").append(g.recipient());
            case TRANSACTION_HISTORY -> sb.append("saya tampilkan riwayat transaksi").append(opt(" ", g.provider()));
            case UNKNOWN -> {
                return "Maaf, saya hanya bisa membantu transaksi pembayaran.";
            }
        }
        if (g.date() != null) {
            sb.append(" pada ").append(g.date()); // ISO, as the JSON answer writes it (see the class comment)
        }
        sb.append(opt(" untuk ", g.note()));
        return sb.append('.').toString();
    }

    private static String english(PaymentRequest g) {
        String amt = g.amount() == null ? null : displayAmount(g.money(), true);
        StringBuilder sb = new StringBuilder("Sure, ");
        switch (g.intent()) {
            case TRANSFER -> sb.append("sending ").append(amt).append(" to ").append(g.recipient())
                    .append(opt(" via ", g.provider()));
            case PAY_BILL -> sb.append("paying the").append(opt(" ", g.provider())).append(" bill")
                    .append(opt(" of ", amt));
            case TOP_UP -> sb.append("topping up").append(opt(" ", g.provider())).append(opt(" with ", amt))
                    .append(opt(" for ", g.recipient()));
            case BUY_AIRTIME -> sb.append("buying").append(opt(" ", amt)).append(opt(" ", g.provider()))
                    .append(" airtime").append(opt(" for ", g.recipient()));
            case CHECK_BALANCE -> sb.append("checking your").append(opt(" ", g.provider())).append(" balance");
            case REQUEST_MONEY -> sb.append("requesting ").append(amt).append(" from ").append(g.recipient());
            case TRANSACTION_HISTORY -> sb.append("here is your").append(opt(" ", g.provider()))
                    .append(" transaction history");
            case UNKNOWN -> {
                return "Sorry, I can only help with payments.";
            }
        }
        if (g.date() != null) {
            sb.append(" on ").append(g.date());
        }
        sb.append(opt(" for ", g.note()));
        return sb.append('.').toString();
    }

    /** Rp250.000 / IDR 250,000 for rupiah; "12,50 USD" / "12.50 USD" otherwise. */
    static String displayAmount(Money m, boolean english) {
        BigDecimal a = m.amount();
        if (m.currency().equals("IDR") && a.scale() == 0) {
            String grouped = String.format(java.util.Locale.ROOT, "%,d", a.longValueExact());
            return english ? "IDR " + grouped : "Rp" + grouped.replace(',', '.');
        }
        String plain = a.scale() > 0 ? a.setScale(Math.max(2, a.scale()), RoundingMode.UNNECESSARY).toPlainString()
                : a.toPlainString();
        return (english ? plain : plain.replace('.', ',')) + " " + m.currency();
    }

    private static String opt(String prefix, String value) {
        return value == null ? "" : prefix + value;
    }
}
