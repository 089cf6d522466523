package org.finetune4j.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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
 */
final class OptionalSegments {
    static final int SWAP_PERCENT = 30;
    static final int DATE_MOVE_PERCENT = 25;
    private static final String DATE_AFTER = " {date}";
    private static final String DATE_FIRST = "{date} ";

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
