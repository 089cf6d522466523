package org.finetune4j.task;

import java.util.ArrayList;
import java.util.List;

/**
 * The message templates of the generator, per intent and language. Within every (intent, language) group the
 * last quarter (at least one) is held out for the test split, so test messages have unseen phrasings; the extra
 * training-only templates (session 3) add variety to training without touching the held-out set.
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

        // Extra training phrasings (never held out): more verbs, slot orders and politeness forms, so the model
        // learns the intent from the words rather than from a handful of sentence shapes. They avoid every
        // keyword that only the held-out templates use (settle, lunasin, collect, wire, load, tunjukin, …).
        extra(t, Intent.TRANSFER, Language.ID,
                "{w:kirimkan|kirim} {amount} {w:buat|untuk} {recipient}[ {date}][ lewat {provider}]",
                "[{date} ]{w:transfer|tf|kirim} {amount} ke {w:rekening|rek} {recipient}",
                "{w:tf dong|transfer dong|kirim dong} {amount} ke {recipient}[, {w:buat|utk} {note}]",
                "{recipient} {w:tolong|tlg} {w:dikirim|ditransfer} {amount}[ {date}]");
        extra(t, Intent.TRANSFER, Language.EN,
                "{w:could you|can u|please} {w:send|transfer} {amount} to {recipient}[ for {note}][ {date}]",
                "[{date} ]{w:send|transfer} money to {recipient}: {amount}",
                "{amount} to {recipient}[ {date}][ for {note}] please",
                "{w:make a|do a} transfer of {amount} to {recipient}[ via {provider}]");
        extra(t, Intent.TRANSFER, Language.MIX,
                "{w:tolong|pls} transferin {amount} to {recipient}[ {date}]",
                "send ke {recipient} {amount}[ buat {note}] ya",
                "[{date} ]kirim {amount} to {recipient}[ for {note}]");
        extra(t, Intent.PAY_BILL, Language.ID,
                "tagihan {bill} {provider}[ {amount}] {w:tolong dibayar|bayarin ya}[ {date}]",
                "{w:mau|pengen} bayar {provider}[ {date}][ {amount}]",
                "{w:bayar|byr} tagihan {provider}[ {w:senilai|nominal} {amount}][ {date}] {w:ya|dong|}");
        extra(t, Intent.PAY_BILL, Language.EN,
                "{w:my|the} {provider} bill is due[ {date}], please pay it[, {amount}]",
                "can you pay {w:my|the} {provider} {bill} bill[ {date}][, {amount}]",
                "[{date} ]pay {amount} to {provider}");
        extra(t, Intent.PAY_BILL, Language.MIX,
                "bayar {provider} bill[ {amount}][ {date}] pls",
                "{w:tolong|pls} pay tagihan {bill} {provider}[ {amount}]");
        extra(t, Intent.TOP_UP, Language.ID,
                "{w:tolong|tlg} top up {provider}[ {phone}] {w:senilai|nominal} {amount}[ {date}]",
                "saldo {provider} {w:habis|tinggal dikit}, isi {amount}[ {date}] {w:ya|dong}",
                "[{date} ]topup {amount} ke {provider}[ {phone}]");
        extra(t, Intent.TOP_UP, Language.EN,
                "{w:put|add} {amount} {w:on|in} my {provider}[ wallet][ {date}]",
                "[{date} ]top up {amount} to {provider}[ {phone}]",
                "my {provider} is empty, top it up with {amount}");
        extra(t, Intent.TOP_UP, Language.MIX,
                "top up {amount} ke {provider}[ {phone}] ya",
                "{w:tolong|pls} isi saldo {provider} {amount}[ {date}]");
        extra(t, Intent.BUY_AIRTIME, Language.ID,
                "{w:beliin|tolong beliin} pulsa {amount} {w:buat|untuk} {phone}[ {provider}]",
                "[{date} ]isi pulsa {amount} ke {phone}",
                "{phone} {w:perlu|butuh} pulsa {amount}[ {provider}][ {date}]",
                "{w:kuota|paket data} {provider} {amount} {w:buat|untuk} {phone}");
        extra(t, Intent.BUY_AIRTIME, Language.EN,
                "{w:top up|recharge} the phone {phone} with {amount} {w:airtime|credit}[ {date}]",
                "i need {amount} of {w:airtime|phone credit}[ {provider}] on {phone}",
                "[{date} ]buy airtime {amount} for {phone}");
        extra(t, Intent.BUY_AIRTIME, Language.MIX,
                "{w:beli|isi} pulsa {amount} buat {phone}[ {date}] pls",
                "pulsa[ {provider}] {amount} for {phone} ya",
                "tolong buy {w:paket data|pulsa} {amount}[ {provider}] ke {phone}");
        extra(t, Intent.CHECK_BALANCE, Language.ID,
                "{w:sisa|cek sisa} saldo[ {provider}] {w:gw|aku|saya} {w:berapa|brp}{w:?|}",
                "saldo[ {provider}] {w:dong|ya|pls}",
                "{w:uang|duit} {w:gw|aku|saya}[ {provider}] tinggal berapa{w:?|}");
        extra(t, Intent.CHECK_BALANCE, Language.EN,
                "{w:how much|what} is {w:left|remaining} in my[ {provider}] {w:account|wallet}{w:?|}",
                "{w:show|give} me my[ {provider}] balance{w: please|}",
                "my balance[ on {provider}]{w:?| please}");
        extra(t, Intent.CHECK_BALANCE, Language.MIX,
                "balance[ {provider}] {w:gw|aku} {w:berapa|brp}{w:?|}",
                "{w:tolong|pls} cek my balance[ {provider}]");
        extra(t, Intent.REQUEST_MONEY, Language.ID,
                "{recipient} {w:blm|belum} bayar {amount}, {w:tolong|tlg} tagih[ {date}]",
                "{w:minta|suruh} {recipient} {w:bayar|balikin} {amount}[ {w:buat|utk} {note}]",
                "[{date} ]{w:tagih|minta} {recipient} {amount}");
        extra(t, Intent.REQUEST_MONEY, Language.EN,
                "{w:send|make} a {w:money request|request} to {recipient} for {amount}[ {date}]",
                "{w:get|ask} {recipient} to send me {amount}[ for {note}]",
                "[{date} ]request money from {recipient}: {amount}");
        extra(t, Intent.REQUEST_MONEY, Language.MIX,
                "{w:tolong|pls} request ke {recipient} {amount}[ {date}]",
                "ask {recipient} {w:balikin|bayar} {amount}[ buat {note}] ya");
        extra(t, Intent.TRANSACTION_HISTORY, Language.ID,
                "{w:cek|lihat|liat} transaksi {w:gw|aku|saya}[ {provider}][ {date}]",
                "{w:riwayat|daftar} {w:transaksi|pembayaran}[ {provider}][ {date}] {w:dong|ya|pls}",
                "[{date} ]{w:aku|gw} {w:bayar|transfer} apa aja{w:?|}");
        extra(t, Intent.TRANSACTION_HISTORY, Language.EN,
                "{w:show|list} {w:my|the} {w:payments|transfers|transactions}[ on {provider}][ {date}]",
                "{w:history|transaction history}[ {date}] {w:please|pls}",
                "what {w:did i pay|went out}[ on {provider}][ {date}]{w:?|}");
        extra(t, Intent.TRANSACTION_HISTORY, Language.MIX,
                "{w:cek|lihat} history[ {provider}][ {date}] {w:pls|dong}",
                "riwayat transfer[ {provider}][ {date}] please");
        extra(t, Intent.UNKNOWN, Language.ID,
                "terima kasih banyak", "bisa bantu apa aja?", "lupa password gimana ya?", "rekening saya diblokir",
                "promo hari ini apa?", "cara daftar gimana?", "nomor CS berapa ya?", "siap kak");
        extra(t, Intent.UNKNOWN, Language.EN,
                "hello there", "thank you so much", "what can you do?", "my account is locked",
                "are there any promos today?", "how do i sign up?", "what is the customer service number?", "bye");
        extra(t, Intent.UNKNOWN, Language.MIX,
                "hai, bisa help?", "thanks banget", "rekening aku locked, gimana?", "promo today apa?",
                "CS nya nomor berapa?");
        return List.copyOf(t);
    }

    /** Training-only templates, ids {@code intent.language.xN}; they never change which templates are held out. */
    private static void extra(List<MessageTemplate> out, Intent intent, Language lang, String... texts) {
        for (int i = 0; i < texts.length; i++) {
            out.add(new MessageTemplate(intent.wireName() + "." + lang.code() + ".x" + i, intent, lang, texts[i],
                    Split.TRAIN));
        }
    }

    private static void group(List<MessageTemplate> out, Intent intent, Language lang, String... texts) {
        int heldOut = Math.max(1, (int) Math.ceil(texts.length * 0.25));
        for (int i = 0; i < texts.length; i++) {
            Split split = i >= texts.length - heldOut ? Split.TEST : Split.TRAIN;
            out.add(new MessageTemplate(intent.wireName() + "." + lang.code() + "." + i, intent, lang, texts[i], split));
        }
    }
}
