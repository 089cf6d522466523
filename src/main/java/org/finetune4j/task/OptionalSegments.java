package org.finetune4j.task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Realises a template's optional {@code [ … ]} segments: each is kept or dropped with probability ½, and the
 * kept ones may change place — the generator's word-order noise. People write "besok tf 50rb ke budi" as often as
 * "tf 50rb ke budi besok", and "buat makan besok" as often as "besok buat makan"; a model that saw every date only
 * where its template put it learns the position instead of the word.
 *
 * <p>Two moves, both on kept segments only, so the slots and the fixed words of the template never change:
 * <ul>
 *   <li>adjacent optional segments that both start with a space (not a comma) swap with probability
 *       {@value #SWAP_PERCENT} %;</li>
 *   <li>a date segment moves with probability {@value #DATE_MOVE_PERCENT} %: from inside or the end of the
 *       message to its front ({@code " {date}"} becomes a leading {@code "{date} "}), or from the front to the
 *       end.</li>
 * </ul>
 *
 * <p>A third move, {@link #amountFirst}, puts the amount at the very front ("50rb tf ke budi"): people lead with
 * the number as often as with the verb, and a model that only ever read the amount after a verb misreads the
 * held-out "50rb ke budi ya" phrasings (it took a leading amount for part of the note or the recipient).
 */
final class OptionalSegments {
    static final int SWAP_PERCENT = 30;
    static final int DATE_MOVE_PERCENT = 25;
    private static final String DATE_AFTER = " {date}";
    private static final String DATE_FIRST = "{date} ";
    static final int AMOUNT_FIRST_PERCENT = 20;
    private static final String AMOUNT_AFTER = " {amount}";
    private static final String AMOUNT_FIRST = "{amount} ";
    /**
     * Words that introduce the amount and would be left dangling without it ("sebesar", "of", "it's", "pay me"):
     * after one of these the amount stays where it is.
     */
    private static final Set<String> AMOUNT_INTRODUCERS = Set.of("sebesar", "senilai",
            "nominal", "totalnya", "tagihannya", "bayar", "balikin", "of", "with", "for", "me", "it's");

    /** A run of template text; {@code optional} for the inside of a {@code [ … ]}. */
    private record Part(String text, boolean optional) {
    }

    private OptionalSegments() {
    }

    /**
     * The template text with its optional segments decided and possibly reordered (see the class comment).
     *
     * @throws IllegalArgumentException if a {@code [} is not closed
     */
    static String realise(String template, Random r) {
        List<Part> parts = keep(template, r);
        for (int i = 0; i + 1 < parts.size(); i++) {
            if (swappable(parts.get(i)) && swappable(parts.get(i + 1)) && r.nextInt(100) < SWAP_PERCENT) {
                Part a = parts.get(i);
                parts.set(i, parts.get(i + 1));
                parts.set(i + 1, a);
                i++; // a segment moves at most one place
            }
        }
        moveDate(parts, r);
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            sb.append(p.text());
        }
        return sb.toString();
    }

    /**
     * With probability {@value #AMOUNT_FIRST_PERCENT} % moves the realised text's {@code " {amount}"} to its front
     * ({@code "tf {amount} ke {recipient}"} becomes {@code "{amount} tf ke {recipient}"}), unless the word before it
     * introduces the amount (see {@link #AMOUNT_INTRODUCERS}; for a {@code {w:a|b}} choice, any of its words). A text
     * without an amount, or that already starts with it, is returned unchanged and draws nothing from {@code r}.
     */
    static String amountFirst(String text, Random r) {
        int at = text.indexOf(AMOUNT_AFTER);
        if (at <= 0 || introducesAmount(text.substring(0, at))) {
            return text;
        }
        if (r.nextInt(100) >= AMOUNT_FIRST_PERCENT) {
            return text;
        }
        return AMOUNT_FIRST + text.substring(0, at) + text.substring(at + AMOUNT_AFTER.length());
    }

    /** Whether the last word of {@code before} (a literal word, or any option of a {@code {w:…}} slot) is one. */
    private static boolean introducesAmount(String before) {
        if (before.endsWith("}")) {
            String slot = before.substring(before.lastIndexOf('{') + 1, before.length() - 1);
            // "{w:senilai|nominal}" or "{w:tf dong|kirim dong}"; another slot ("{recipient}") introduces nothing
            return slot.startsWith("w:") && Arrays.stream(slot.substring(2).split("\\|"))
                    .map(o -> o.substring(o.lastIndexOf(' ') + 1)).anyMatch(AMOUNT_INTRODUCERS::contains);
        }
        return AMOUNT_INTRODUCERS.contains(before.substring(before.lastIndexOf(' ') + 1));
    }

    /** Splits the template and keeps each optional segment with probability ½, in template order. */
    private static List<Part> keep(String template, Random r) {
        List<Part> parts = new ArrayList<>();
        StringBuilder fixed = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '[') {
                fixed.append(c);
                i++;
                continue;
            }
            int end = template.indexOf(']', i);
            if (end < 0) {
                throw new IllegalArgumentException("template has a '[' without ']': " + template);
            }
            if (!fixed.isEmpty()) {
                parts.add(new Part(fixed.toString(), false));
                fixed.setLength(0);
            }
            if (r.nextBoolean()) {
                parts.add(new Part(template.substring(i + 1, end), true));
            }
            i = end + 1;
        }
        if (!fixed.isEmpty()) {
            parts.add(new Part(fixed.toString(), false));
        }
        return parts;
    }

    private static boolean swappable(Part p) {
        return p.optional() && p.text().length() > 1 && p.text().charAt(0) == ' ' && p.text().charAt(1) != ',';
    }

    private static void moveDate(List<Part> parts, Random r) {
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            if (!p.optional()) {
                continue;
            }
            if (p.text().equals(DATE_AFTER) && r.nextInt(100) < DATE_MOVE_PERCENT) {
                parts.remove(i);
                parts.add(0, new Part(DATE_FIRST, true));
                return;
            }
            if (p.text().equals(DATE_FIRST) && i == 0 && r.nextInt(100) < DATE_MOVE_PERCENT) {
                parts.remove(0);
                parts.add(new Part(DATE_AFTER, true));
                return;
            }
        }
    }
}
