package org.finetune4j.task;

import java.util.ArrayList;
import java.util.List;

/**
 * The message templates of the generator, per intent and language. Within every (intent, language) group the
 * last quarter (at least one) is held out for the test split, so test messages have unseen phrasings.
 */
public final class PaymentTemplates {

    private static final List<MessageTemplate> ALL = build();

    private PaymentTemplates() {
    }

    /** Every template, in a fixed order. */
    public static List<MessageTemplate> all() {
        return ALL;
    }

    private static List<MessageTemplate> build() {
        List<MessageTemplate> t = new ArrayList<>();
        group(t, Intent.TRANSFER, Language.ID,
                "{w:tf|trf|transfer|transferin} {amount} ke {recipient}[ {date}][ {w:buat|utk|untuk} {note}]",
                "{w:tolong|tlg|mau} {w:kirim|kirimin|transfer} {amount} ke {recipient}[ {date}] {w:ya|dong|}",
                "{w:kirim uang|kirim duit|transfer} ke {recipient} {amount}[ {w:buat|utk} {note}][ {date}]",
                "{w:bayarin|transferin} {recipient} {amount}[ {w:buat|utk} {note}][ lewat {provider}]",
                "[{date} ]{w:kirim|tf} ke {recipient} sebesar {amount}[ lewat {provider}][, {w:keterangan|ket}: {note}]",
                "{amount} ke {recipient}[ {date}] {w:ya|dong|pls}");
        group(t, Intent.TRANSFER, Language.EN,
                "{w:send|transfer} {amount} to {recipient}[ {date}][ for {note}]",
                "{w:pls|please|can you} {w:send|transfer} {recipient} {amount}[ {date}]",
                "{w:i want to|i need to|i'd like to} {w:send|transfer} {amount} to {recipient}[ via {provider}][ {date}]",
                "[{date} ]{w:pay|send} {recipient} {amount}[ for {note}]",
                "{w:transfer|wire} {amount} over to {recipient}[, note: {note}]");
        group(t, Intent.TRANSFER, Language.MIX,
                "{w:tf|transfer} {amount} to {recipient}[ {date}][ buat {note}]",
                "{w:pls|tolong} send {amount} ke {recipient}[ {date}] ya",
                "{w:kirim|tf} {recipient} {amount}[ for {note}][ {date}] {w:thanks|thx|makasih}",
                "[{date} ]transfer ke {recipient} {amount}[ via {provider}] pls");

        group(t, Intent.PAY_BILL, Language.ID,
                "bayar {bill} {provider}[ {amount}][ {date}]",
                "{w:tolong|tlg|mau} bayarin {bill} {provider}[ {date}][, {w:tagihannya|totalnya} {amount}]",
                "{provider} {w:bulan ini|} {w:udah jatuh tempo|blm dibayar}, bayar[ {amount}][ {date}] ya",
                "[{date} ]{w:bayarin|lunasin} {bill} {provider}[ sebesar {amount}] dong");
        group(t, Intent.PAY_BILL, Language.EN,
                "pay {w:my|the|} {provider} {w:bill|invoice}[ of {amount}][ {date}]",
                "{w:please|pls} pay {provider}[ {amount}][ {date}]",
                "i need to pay the {bill} bill to {provider}[ {date}][, it's {amount}]",
                "[{date} ]settle {provider}[ {amount}] please");
        group(t, Intent.PAY_BILL, Language.MIX,
                "pay {bill} {provider}[ {amount}][ {date}] ya",
                "tolong pay {w:tagihan|bill} {provider}[ {date}][ totalnya {amount}]",
                "{provider} bill[ {amount}] bayar[ {date}] pls");

        group(t, Intent.TOP_UP, Language.ID,
                "{w:top up|topup|isi|isi saldo} {provider}[ {amount}][ ke {phone}]",
                "{w:tolong|mau} {w:isiin|topupin} {provider} {amount}[ {date}]",
                "isi saldo {provider} {w:gw|aku|saya} {amount}[ {date}]",
                "{amount} {w:buat|ke} {provider}[ {phone}] ya, top up");
        group(t, Intent.TOP_UP, Language.EN,
                "top up {w:my|} {provider}[ with {amount}]",
                "add {amount} to {w:my|} {provider}[ {date}]",
                "{w:please|pls} top up {provider} {phone}[ {amount}]",
                "[{date} ]load {amount} into {provider}");
        group(t, Intent.TOP_UP, Language.MIX,
                "topup {provider} {amount} pls[ {date}]",
                "tolong top up {provider}[ {phone}] {amount}",
                "isi {provider} {amount} please[ {date}]");

        group(t, Intent.BUY_AIRTIME, Language.ID,
                "beli pulsa[ {provider}] {amount}[ ke {phone}]",
                "{w:isiin|isi} pulsa {phone}[ {provider}] {amount}",
                "{w:mau|tolong} beli {w:paket data|kuota} {provider} {amount}[ {date}]",
                "pulsa {amount}[ {provider}] {w:buat|ke} {phone}[ {date}]");
        group(t, Intent.BUY_AIRTIME, Language.EN,
                "buy {amount}[ {provider}] {w:airtime|credit|phone credit}[ for {phone}]",
                "recharge {phone}[ {provider}] {w:with|for} {amount}",
                "get me a {provider} data package {amount}",
                "[{date} ]{amount} {w:credit|airtime} for {phone}");
        group(t, Intent.BUY_AIRTIME, Language.MIX,
                "beli pulsa {amount}[ {provider}] for {phone}",
                "{w:pls|tolong} isi pulsa {phone} {amount}",
                "buy {w:kuota|pulsa}[ {provider}] {amount}[ {date}] ya");

        group(t, Intent.CHECK_BALANCE, Language.ID,
                "{w:cek|cekin|lihat} saldo[ {provider}] {w:dong|ya|}",
                "saldo[ {provider}] {w:gw|aku|saya} {w:berapa|brp} {w:ya|sih|}",
                "{w:tolong|mau} {w:cek|liat} sisa saldo[ {provider}]",
                "{w:masih ada|ada} berapa {w:duit|uang} di[ {provider}] {w:akun|rekening} {w:gw|aku}?");
        group(t, Intent.CHECK_BALANCE, Language.EN,
                "{w:check|show} my[ {provider}] balance",
                "what's my[ {provider}] balance{w:?|}",
                "how much {w:money|cash} do i have[ in {provider}]",
                "balance[ {provider}] {w:please|pls}");
        group(t, Intent.CHECK_BALANCE, Language.MIX,
                "cek balance[ {provider}] dong",
                "saldo[ {provider}] {w:gw|aku} how much?",
                "check saldo[ {provider}] {w:pls|please} ya");

        group(t, Intent.REQUEST_MONEY, Language.ID,
                "{w:minta|tagih} {amount} ke {recipient}[ {w:buat|utk} {note}]",
                "{w:tagihin|tolong tagih} {recipient} {amount}[ {date}]",
                "{recipient} {w:masih|} {w:utang|ngutang} {amount}[ {w:buat|utk} {note}], tagih {w:ya|dong}",
                "[{date} ]{w:mintain|minta} duit {amount} dari {recipient}");
        group(t, Intent.REQUEST_MONEY, Language.EN,
                "request {amount} from {recipient}[ for {note}]",
                "ask {recipient} to pay me {amount}[ {date}]",
                "{recipient} owes me {amount}[ for {note}], send a request",
                "[{date} ]collect {amount} from {recipient}");
        group(t, Intent.REQUEST_MONEY, Language.MIX,
                "request {amount} ke {recipient}[ buat {note}]",
                "tolong ask {recipient} bayar {amount}[ {date}]",
                "minta {amount} from {recipient}[ for {note}] ya");

        group(t, Intent.TRANSACTION_HISTORY, Language.ID,
                "{w:lihat|cek|liat} {w:riwayat|history} transaksi[ {provider}][ {date}]",
                "{w:mutasi|riwayat} {w:rekening|transaksi}[ {date}] {w:dong|ya}",
                "transaksi {w:gw|aku|saya}[ {date}] apa aja{w:?|}",
                "{w:tunjukin|tampilkan} {w:histori|riwayat}[ {provider}][ {date}]");
        group(t, Intent.TRANSACTION_HISTORY, Language.EN,
                "show my[ {provider}] transaction history[ {date}]",
                "what did i {w:pay|spend|send}[ {date}]?",
                "list {w:my|} {w:recent|last} transactions[ on {provider}]",
                "transactions[ {date}] please");
        group(t, Intent.TRANSACTION_HISTORY, Language.MIX,
                "cek transaction history[ {provider}][ {date}]",
                "riwayat transaksi[ {date}] {w:pls|please}",
                "show mutasi[ {provider}][ {date}] dong");

        group(t, Intent.UNKNOWN, Language.ID,
                "halo", "hai kak, selamat pagi", "makasih ya", "gimana cara ganti PIN?", "kamu siapa?",
                "biaya admin transfer berapa sih?", "aplikasinya error terus", "oke siap",
                "cuaca hari ini gimana?", "rekomendasi tempat makan dong", "kenapa transaksi saya gagal kemarin?",
                "selamat malam, lagi sibuk ga?");
        group(t, Intent.UNKNOWN, Language.EN,
                "hi", "good morning", "thanks!", "how do i reset my password?", "who are you?",
                "is there a fee for transfers?", "the app keeps crashing", "ok cool", "what's the weather like?",
                "tell me a joke", "why did my payment fail yesterday?", "can you speak spanish?");
        group(t, Intent.UNKNOWN, Language.MIX,
                "halo, how are you?", "thanks ya kak", "gimana cara change PIN?", "app nya error terus, help",
                "ok noted ya", "kamu bisa apa aja?", "btw weekend ini kemana?", "fee transfer berapa ya?");
        return List.copyOf(t);
    }

    private static void group(List<MessageTemplate> out, Intent intent, Language lang, String... texts) {
        int heldOut = Math.max(1, (int) Math.ceil(texts.length * 0.25));
        for (int i = 0; i < texts.length; i++) {
            Split split = i >= texts.length - heldOut ? Split.TEST : Split.TRAIN;
            out.add(new MessageTemplate(intent.wireName() + "." + lang.code() + "." + i, intent, lang, texts[i], split));
        }
    }
}
