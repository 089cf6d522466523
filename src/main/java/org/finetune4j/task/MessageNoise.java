package org.finetune4j.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Makes generated messages look typed on a phone: abbreviations, keyboard-neighbour typos, dropped or doubled
 * letters, case changes and chatty endings. Only the template's own words are touched; the pieces that carry
 * gold values (amount, recipient, provider, date, note) keep their characters and may only change case, which
 * every reader of them ignores.
 */
final class MessageNoise {

    /** A run of message text; {@code slot} pieces carry gold values. */
    record Piece(String text, boolean slot) {
    }

    private static final Map<String, List<String>> ABBREVIATIONS = Map.ofEntries(
            Map.entry("transfer", List.of("tf", "trf", "transfr")), Map.entry("yang", List.of("yg")),
            Map.entry("untuk", List.of("utk", "buat")), Map.entry("tolong", List.of("tlg", "tolongin")),
            Map.entry("saya", List.of("sy", "aku", "gw")), Map.entry("berapa", List.of("brp", "brapa")),
            Map.entry("sudah", List.of("udah", "udh")), Map.entry("belum", List.of("blm")),
            Map.entry("dengan", List.of("dgn")), Map.entry("please", List.of("pls", "plz", "pliss")),
            Map.entry("thanks", List.of("thx", "tks")), Map.entry("you", List.of("u")),
            Map.entry("bisa", List.of("bs")), Map.entry("saldo", List.of("sldo")),
            Map.entry("makasih", List.of("mksh", "makasi")), Map.entry("kirim", List.of("krm", "kirimin")));

    private static final String[] KEYBOARD_ROWS = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};

    private static final List<String> ENDINGS_ID = List.of(" dong", " ya", " ya kak", " pls", " makasih", "!", " min", "..");
    private static final List<String> ENDINGS_EN = List.of(" pls", " thanks", " asap", "!", " thx", " please");

    private MessageNoise() {
    }

    static String apply(List<Piece> pieces, Language lang, Random r) {
        List<Piece> out = new ArrayList<>(pieces.size() + 1);
        for (Piece p : pieces) {
            out.add(p.slot() ? p : new Piece(noisyWords(p.text(), r), false));
        }
        if (r.nextInt(4) == 0) {
            List<String> endings = lang == Language.EN ? ENDINGS_EN : ENDINGS_ID;
            out.add(new Piece(endings.get(r.nextInt(endings.size())), false));
        }
        StringBuilder sb = new StringBuilder();
        for (Piece p : out) {
            sb.append(p.text());
        }
        String s = sb.toString().replaceAll(" {2,}", " ").strip();
        int c = r.nextInt(100);
        if (c < 35) {
            s = s.toLowerCase(Locale.ROOT);
        } else if (c < 38) {
            s = s.toUpperCase(Locale.ROOT);
        } else if (c < 70 && !s.isEmpty()) {
            s = Character.toUpperCase(s.charAt(0)) + s.substring(1);
        }
        return s;
    }

    private static String noisyWords(String text, Random r) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            int j = i;
            while (j < text.length() && Character.isLetter(text.charAt(j))) {
                j++;
            }
            if (j == i) {
                sb.append(text.charAt(i));
                i++;
                continue;
            }
            sb.append(noisyWord(text.substring(i, j), r));
            i = j;
        }
        return sb.toString();
    }

    private static String noisyWord(String w, Random r) {
        List<String> abbr = ABBREVIATIONS.get(w.toLowerCase(Locale.ROOT));
        if (abbr != null && r.nextInt(3) == 0) {
            return abbr.get(r.nextInt(abbr.size()));
        }
        if (w.length() < 4 || r.nextInt(100) >= 5) {
            return w;
        }
        char[] c = w.toCharArray();
        int k = 1 + r.nextInt(c.length - 2); // never the first letter
        return switch (r.nextInt(4)) {
            case 0 -> { // swap with the next letter
                char t = c[k];
                c[k] = c[k + 1];
                c[k + 1] = t;
                yield new String(c);
            }
            case 1 -> w.substring(0, k) + w.substring(k + 1); // drop
            case 2 -> w.substring(0, k) + w.charAt(k) + w.substring(k); // double
            default -> w.substring(0, k) + neighbour(w.charAt(k), r) + w.substring(k + 1);
        };
    }

    private static char neighbour(char ch, Random r) {
        char lower = Character.toLowerCase(ch);
        for (String row : KEYBOARD_ROWS) {
            int at = row.indexOf(lower);
            if (at >= 0) {
                int n = at == 0 ? 1 : at == row.length() - 1 ? at - 1 : at + (r.nextBoolean() ? 1 : -1);
                char out = row.charAt(n);
                return Character.isUpperCase(ch) ? Character.toUpperCase(out) : out;
            }
        }
        return ch;
    }
}
