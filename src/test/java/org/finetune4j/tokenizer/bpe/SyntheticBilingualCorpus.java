package org.finetune4j.tokenizer.bpe;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded Indonesian + English sentences assembled from small word lists, for tokenizer tests. */
final class SyntheticBilingualCorpus {
    private static final String[] ID_SUBJECTS = {"Saya", "Kami", "Mereka", "Ibu", "Pak Budi", "Toko itu", "Pelanggan", "Dia"};
    private static final String[] ID_VERBS = {"membeli", "menjual", "membayar", "mengirim", "memesan", "menerima", "mencari"};
    private static final String[] ID_OBJECTS = {"beras", "kopi", "sepatu baru", "tiket kereta", "buku pelajaran", "obat", "pulsa"};
    private static final String[] ID_TAILS = {"di pasar", "kemarin", "hari ini", "untuk keluarga", "dengan harga murah", "secara online"};
    private static final String[] EN_SUBJECTS = {"I", "We", "They", "The customer", "My mother", "The shop", "She", "He"};
    private static final String[] EN_VERBS = {"bought", "sold", "paid for", "sent", "ordered", "received", "looked for"};
    private static final String[] EN_OBJECTS = {"rice", "coffee", "new shoes", "a train ticket", "school books", "medicine", "the invoice"};
    private static final String[] EN_TAILS = {"at the market", "yesterday", "today", "for the family", "at a low price", "online"};

    private SyntheticBilingualCorpus() {}

    static List<String> sentences(int count, long seed) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean indonesian = r.nextBoolean();
            StringBuilder sb = new StringBuilder();
            if (indonesian) {
                sb.append(pick(r, ID_SUBJECTS)).append(' ').append(pick(r, ID_VERBS)).append(' ')
                        .append(pick(r, ID_OBJECTS)).append(' ').append(pick(r, ID_TAILS));
                if (r.nextInt(3) == 0) {
                    sb.append(" seharga Rp ").append(1 + r.nextInt(999)).append('.').append(String.format("%03d", r.nextInt(1000)));
                }
            } else {
                sb.append(pick(r, EN_SUBJECTS)).append(' ').append(pick(r, EN_VERBS)).append(' ')
                        .append(pick(r, EN_OBJECTS)).append(' ').append(pick(r, EN_TAILS));
                if (r.nextInt(3) == 0) {
                    sb.append(" for $").append(1 + r.nextInt(500)).append('.').append(String.format("%02d", r.nextInt(100)));
                }
            }
            sb.append(r.nextInt(5) == 0 ? "!" : ".");
            if (r.nextInt(4) == 0) {
                sb.append(r.nextBoolean() ? "\n" : "\n\n  ");
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static final String[] SYLLABLES = {"ma", "ka", "sa", "ta", "ng", "ber", "me", "di", "kan", "an",
        "pe", "ru", "lu", "si", "the", "ing", "er", "on", "st", "re", "ti", "ou", "ya", "nya", "wa", "ga", "bu", "po"};

    /**
     * Sentences of pseudo-words built from Indonesian and English syllables, optionally capitalised
     * and followed by punctuation or a number: many distinct pre-tokens, so many merges can be learned.
     */
    static List<String> syllableSentences(int count, long seed) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder sb = new StringBuilder();
            int words = 3 + r.nextInt(12);
            for (int w = 0; w < words; w++) {
                if (w > 0) {
                    sb.append(' ');
                }
                StringBuilder word = new StringBuilder();
                int syllables = 1 + r.nextInt(4);
                for (int k = 0; k < syllables; k++) {
                    word.append(pick(r, SYLLABLES));
                }
                if (r.nextInt(8) == 0) {
                    word.setCharAt(0, Character.toUpperCase(word.charAt(0)));
                }
                sb.append(word);
                int tail = r.nextInt(20);
                if (tail == 0) {
                    sb.append(',');
                } else if (tail == 1) {
                    sb.append(' ').append(r.nextInt(100_000));
                }
            }
            out.add(sb.append('.').toString());
        }
        return out;
    }

    private static String pick(Random r, String[] words) {
        return words[r.nextInt(words.length)];
    }
}
