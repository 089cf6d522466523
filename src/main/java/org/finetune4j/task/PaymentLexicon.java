package org.finetune4j.task;

import java.util.List;
import java.util.Random;

/**
 * Word lists the generator draws from. Recipient names and phone prefixes are partitioned so that the test
 * split names people and numbers the model never saw in training.
 */
final class PaymentLexicon {

    /** Base names; every fifth (index % 5 == 4) is reserved for the test split. */
    static final List<String> NAMES = List.of(
            "Budi", "Sari", "Andi", "Dewi", "Rina", "Agus", "Putri", "Joko", "Wati", "Rizky",
            "Fajar", "Intan", "Eko", "Siti", "Bayu", "Yusuf", "Maya", "Dimas", "Ayu", "Hendra",
            "Lestari", "Taufik", "Nadia", "Reza", "Indah", "Galih", "Citra", "Wahyu", "Fitri", "Arif",
            "Sarah", "John", "Michael", "Emma", "David", "Olivia", "Kevin", "Jessica", "Daniel", "Grace",
            "Ketut", "Made", "Nyoman", "Yohanes", "Melati", "Bambang", "Yanti", "Irfan", "Novi", "Ilham");

    static final List<String> HONORIFICS_ID = List.of("Pak", "Bu", "Mas", "Mbak", "Kak", "Bang");

    /** Mobile prefixes of the test split; training and pretraining never use them. */
    static final List<String> PHONE_PREFIXES_TEST = List.of("0821", "0822", "0838", "0881", "0896");
    /**
     * Every other "08xy" prefix (85 of them): with only a handful of training prefixes a small model memorises
     * them instead of learning to copy digits, and then rewrites an unseen test prefix as a familiar one.
     */
    static final List<String> PHONE_PREFIXES_TRAIN = java.util.stream.IntStream.rangeClosed(10, 99)
            .mapToObj(n -> "08" + n).filter(p -> !PHONE_PREFIXES_TEST.contains(p)).toList();

    static final List<String> BILLERS = List.of("PLN", "BPJS", "PDAM", "IndiHome", "First Media", "Biznet", "MyRepublic");
    static final List<String> WALLETS = List.of("GoPay", "OVO", "DANA", "ShopeePay", "LinkAja");
    static final List<String> OPERATORS = List.of("Telkomsel", "XL", "Indosat", "Tri", "Smartfren", "by.U");
    /** The app's catalogue of providers: every biller, wallet and operator. */
    static final List<String> PROVIDERS = java.util.stream.Stream.of(BILLERS, WALLETS, OPERATORS)
            .flatMap(List::stream).toList();

    static final List<String> NOTES_ID = List.of("makan siang", "bayar kos", "patungan kado", "uang bensin", "arisan",
            "cicilan motor", "beli buku", "ongkir", "uang jajan", "bayar utang", "sewa bulan ini", "tiket konser",
            "oleh-oleh", "servis motor", "iuran RT", "uang sekolah", "bukber", "kado ultah");
    static final List<String> NOTES_EN = List.of("lunch", "rent", "birthday gift", "concert tickets", "taxi fare",
            "dinner last night", "groceries", "the book", "coffee", "team outing", "phone repair", "school fees");

    static final List<String> FOREIGN = List.of("USD", "USD", "USD", "SGD", "EUR", "MYR", "JPY", "AUD", "GBP");

    private PaymentLexicon() {
    }

    static boolean isTestName(int index) {
        return index % 5 == 4;
    }

    // Lower-case syllable parts of made-up names, in two styles. Indonesian-like ("Sutrisno", "Wulandah") and, for a
    // third of the names, western-like (vowel onsets, clusters, endings such as "ce" or "ck": "Brace", "Olind"). With
    // the Indonesian syllables alone a fine-tuned model learnt to *write* such a name instead of copying the one in
    // the message, and turned the test split's "Grace", "Indah" and "Bayu" into "Gra", "Srisdah" and "Siyu".
    private static final String[] ONSETS = {"B", "D", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "T", "W", "Y",
        "Sr", "Tr", "Pr", "Ny"};
    private static final String[] VOWELS = {"a", "i", "u", "e", "o", "a", "i"};
    private static final String[] CODAS = {"", "", "", "n", "ng", "r", "s", "t", "h"};
    private static final String[] WESTERN_ONSETS = {"", "", "", "b", "c", "d", "f", "g", "j", "k", "l", "m", "n", "p",
        "r", "s", "t", "v", "z", "br", "gr", "kr", "ch", "sh", "st", "fr", "cl"};
    private static final String[] WESTERN_VOWELS = {"a", "e", "i", "o", "u", "a", "e", "ea", "ia", "au", "y"};
    private static final String[] WESTERN_CODAS = {"", "", "n", "l", "r", "s", "m", "ce", "ck", "th", "nd", "rt", "x"};

    /**
     * A made-up name-like word ("Sutrisno", "Wulandah", "Brace", "Olind"), never one of {@link #NAMES} nor a word
     * that the data uses for something else (an honorific, a wallet, a biller, an operator). Training draws half of
     * its people from here (pretraining most of them) so that the model learns to copy whatever name it is given —
     * the test split names people it has never seen.
     */
    static String syntheticName(Random r) {
        while (true) {
            String n = r.nextInt(3) == 0 ? westernName(r) : indonesianName(r);
            if (!isReservedWord(n)) {
                return n;
            }
        }
    }

    private static String indonesianName(Random r) {
        int syllables = 2 + r.nextInt(2);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < syllables; k++) {
            String onset = ONSETS[r.nextInt(ONSETS.length)];
            if (k == 0 && r.nextInt(6) == 0) {
                onset = ""; // "Indra", "Arum": a vowel onset, then the first vowel is capitalised
            }
            sb.append(k == 0 ? onset : onset.toLowerCase(java.util.Locale.ROOT));
            sb.append(VOWELS[r.nextInt(VOWELS.length)]);
            if (k == syllables - 1 || r.nextInt(3) == 0) {
                sb.append(CODAS[r.nextInt(CODAS.length)]);
            }
        }
        return Character.toUpperCase(sb.charAt(0)) + sb.substring(1);
    }

    private static String westernName(Random r) {
        StringBuilder sb = new StringBuilder();
        int syllables = 1 + r.nextInt(2);
        for (int k = 0; k < syllables; k++) {
            String onset = WESTERN_ONSETS[r.nextInt(WESTERN_ONSETS.length)];
            sb.append(k > 0 && onset.isEmpty() ? "l" : onset); // no vowel run across syllables
            sb.append(WESTERN_VOWELS[r.nextInt(WESTERN_VOWELS.length)]);
        }
        sb.append(WESTERN_CODAS[r.nextInt(WESTERN_CODAS.length)]);
        if (sb.length() < 3) {
            return westernName(r); // "Ea", "En": too short to read as a name
        }
        return Character.toUpperCase(sb.charAt(0)) + sb.substring(1);
    }

    /** A base name, an honorific or a provider, compared without case. */
    static boolean isReservedWord(String word) {
        return java.util.stream.Stream.of(NAMES, HONORIFICS_ID, PROVIDERS)
                .flatMap(List::stream).anyMatch(word::equalsIgnoreCase);
    }

    /** A person's name for {@code split}, sometimes with an Indonesian honorific (kept in the gold answer). */
    static String name(Split split, Language lang, Random r) {
        boolean test = split == Split.TEST;
        if (!test && r.nextBoolean()) {
            return withHonorific(syntheticName(r), lang, r);
        }
        int i;
        do {
            i = r.nextInt(NAMES.size());
        } while (isTestName(i) != test);
        return withHonorific(NAMES.get(i), lang, r);
    }

    private static String withHonorific(String n, Language lang, Random r) {
        if (lang != Language.EN && r.nextInt(4) == 0) {
            return HONORIFICS_ID.get(r.nextInt(HONORIFICS_ID.size())) + " " + n;
        }
        return n;
    }

    /** Gold phone number (digits only, 11–13 long) for {@code split}. */
    static String phone(Split split, Random r) {
        List<String> prefixes = split == Split.TEST ? PHONE_PREFIXES_TEST : PHONE_PREFIXES_TRAIN;
        StringBuilder sb = new StringBuilder(prefixes.get(r.nextInt(prefixes.size())));
        int rest = 7 + r.nextInt(3);
        for (int k = 0; k < rest; k++) {
            sb.append((char) ('0' + r.nextInt(10)));
        }
        return sb.toString();
    }

    /** How the user writes a gold phone number: as is, grouped with dashes or spaces, or with +62. */
    static String writePhone(String phone, Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> phone.substring(0, 4) + "-" + phone.substring(4, 8) + "-" + phone.substring(8);
            case 1 -> phone.substring(0, 4) + " " + phone.substring(4, 8) + " " + phone.substring(8);
            default -> phone;
        };
    }
}
