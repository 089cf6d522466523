package org.finetune4j.generate.constraint;

import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an answer of a {@link JsonObjectGrammar} one character at a time and says whether each character may come
 * next. {@link Cursor}s are immutable, so a token can be tried from the current cursor without changing it.
 */
final class JsonAnswerAutomaton {
    private static final Pattern NUMBER = Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");
    private static final Pattern INTEGER = Pattern.compile("-?(?:0|[1-9][0-9]*)");
    private static final Pattern ZERO = Pattern.compile("-?0(?:\\.0+)?(?:[eE][+-]?[0-9]+)?");
    /** A longer number is not a plausible answer; the bound also keeps a runaway model from looping on digits. */
    private static final int MAX_NUMBER_CHARS = 32;
    /** The characters JSON escapes stand for ({@code \\u} escapes are never written). */
    private static final char[] ESCAPED = {'"', '\\', '/', '\b', '\f', '\n', '\r', '\t'};

    enum Phase { LITERAL, VALUE_START, KEYWORD, STRING, ESCAPE, NUMBER, DONE }

    /**
     * Where the answer is.
     *
     * @param phase what is being written
     * @param field the property whose value comes next or is being written ({@code fields().size()} for the end)
     * @param pos   characters of the literal or keyword already written
     * @param text  the keyword being written ({@code null}, {@code true}, {@code false}), or the string value so far
     *              (escapes decoded) or the number so far
     * @param ends  for a copied string: the positions in the source where a copy of the value so far can end
     * @param facts what the values written so far decided of the schema's conditions
     *              ({@link JsonObjectGrammar#decide})
     */
    record Cursor(Phase phase, int field, int pos, String text, BitSet ends, int facts) {
        static final Cursor START = new Cursor(Phase.LITERAL, 0, 0, "", null, 0);

        /** Another place in the same answer: the facts are kept. */
        Cursor to(Phase p, int f, int position, String t, BitSet copyEnds) {
            return new Cursor(p, f, position, t, copyEnds, facts);
        }

        Cursor to(Phase p, int f, int position, String t) {
            return to(p, f, position, t, null);
        }

        boolean done() {
            return phase == Phase.DONE;
        }
    }

    private final JsonObjectGrammar grammar;
    private final String source;
    /** Where a copy may start: the start of a word of the source. */
    private final BitSet wordStarts = new BitSet();
    /** Set whenever a step looked at the source text: masks computed without it may be shared between answers. */
    private boolean sourceUsed;

    /** @param source the text copied fields copy from ("" when none) */
    JsonAnswerAutomaton(JsonObjectGrammar grammar, String source) {
        this.grammar = grammar;
        this.source = source;
        for (int i = 0; i < source.length(); i++) {
            if (i == 0 || !Character.isLetterOrDigit(source.charAt(i - 1))) {
                wordStarts.set(i);
            }
        }
    }

    boolean sourceUsed() {
        return sourceUsed;
    }

    void clearSourceUsed() {
        sourceUsed = false;
    }

    /** The cursor after {@code c}, or null when {@code c} may not come next. */
    Cursor step(Cursor at, char c) {
        return switch (at.phase()) {
            case LITERAL -> literal(at, c);
            case VALUE_START -> valueStart(at, c);
            case KEYWORD -> keyword(at, c);
            case STRING -> string(at, c);
            case ESCAPE -> escape(at, c);
            case NUMBER -> number(at, c);
            case DONE -> null;
        };
    }

    /** The cursor after every character of {@code text}, or null when one of them may not come. */
    Cursor steps(Cursor at, String text, int from) {
        Cursor c = at;
        for (int i = from; i < text.length() && c != null; i++) {
            c = step(c, text.charAt(i));
        }
        return c;
    }

    private Cursor literal(Cursor at, char c) {
        String lit = grammar.literal(at.field());
        if (lit.charAt(at.pos()) != c) {
            return null;
        }
        if (at.pos() + 1 < lit.length()) {
            return at.to(Phase.LITERAL, at.field(), at.pos() + 1, "");
        }
        return at.field() == grammar.fields().size() ? at.to(Phase.DONE, at.field(), 0, "")
                : at.to(Phase.VALUE_START, at.field(), 0, "");
    }

    private Cursor valueStart(Cursor at, char c) {
        if (c == 'n' && allows(at, JsonValueKind.NULL)) {
            return at.to(Phase.KEYWORD, at.field(), 1, "null");
        }
        if ((c == 't' || c == 'f') && allows(at, JsonValueKind.BOOLEAN)) {
            return at.to(Phase.KEYWORD, at.field(), 1, c == 't' ? "true" : "false");
        }
        if (c == '"' && allows(at, JsonValueKind.STRING)) {
            return at.to(Phase.STRING, at.field(), 0, "");
        }
        if ((c == '-' || (c >= '0' && c <= '9'))
                && (allows(at, JsonValueKind.NUMBER) || allows(at, JsonValueKind.INTEGER))) {
            return number(at.to(Phase.NUMBER, at.field(), 0, ""), c);
        }
        return null;
    }

    /** Whether the field at {@code at} may hold a value of {@code kind}: its type, and the conditions decided so far. */
    private boolean allows(Cursor at, JsonValueKind kind) {
        return grammar.fields().get(at.field()).allows(kind) && grammar.allows(at.field(), kind, at.facts());
    }

    private Cursor keyword(Cursor at, char c) {
        if (at.text().charAt(at.pos()) != c) {
            return null;
        }
        if (at.pos() + 1 < at.text().length()) {
            return at.to(Phase.KEYWORD, at.field(), at.pos() + 1, at.text());
        }
        return afterValue(at, at.text().equals("null") ? Set.of(JsonValueKind.NULL) : Set.of(JsonValueKind.BOOLEAN),
                at.text());
    }

    /** Past the value of the field at {@code at}, which was {@code value} of {@code kinds}: on to the next literal. */
    private Cursor afterValue(Cursor at, Set<JsonValueKind> kinds, String value) {
        return new Cursor(Phase.LITERAL, at.field() + 1, 0, "", null,
                grammar.decide(at.field(), kinds, value, at.facts()));
    }

    private Cursor string(Cursor at, char c) {
        JsonField f = grammar.fields().get(at.field());
        if (c == '"') {
            return closes(f, at.text(), at.ends()) ? afterValue(at, Set.of(JsonValueKind.STRING), at.text()) : null;
        }
        if (c == '\\') { // an escape only where the character it stands for may come
            for (char escaped : ESCAPED) {
                if (extend(f, at, escaped) != null) {
                    return at.to(Phase.ESCAPE, at.field(), 0, at.text(), at.ends());
                }
            }
            return null;
        }
        if (c < 0x20) {
            return null; // control characters must be escaped in JSON
        }
        return extend(f, at, c);
    }

    private Cursor escape(Cursor at, char c) {
        char decoded = switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '/' -> '/';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            default -> 0; // \\u escapes are not written by constrained decoding
        };
        return decoded == 0 ? null : extend(grammar.fields().get(at.field()), at, decoded);
    }

    private Cursor extend(JsonField f, Cursor at, char c) {
        String s = at.text() + c;
        if (s.length() > f.maxLength()) {
            return null;
        }
        if (f.enumStrings() != null && f.enumStrings().stream().noneMatch(v -> v.startsWith(s))) {
            return null;
        }
        if (f.pattern() != null && f.anchored() && !patternCanHold(f, s)) {
            return null;
        }
        BitSet ends = null;
        if (f.copied()) {
            if (at.text().isEmpty() && (Character.isWhitespace(c) || CopiedText.isSeparator(c))) {
                return null; // a copy starts with the word, not the space before it
            }
            boolean betweenDigits = !at.text().isEmpty() && Character.isDigit(c)
                    && Character.isDigit(at.text().charAt(at.text().length() - 1));
            ends = copyEnds(at.text().isEmpty() ? wordStarts : at.ends(), c, betweenDigits);
            if (ends.isEmpty() || (f.pattern() != null && f.anchored() && !completable(f, s, ends, new int[] {0}))) {
                return null;
            }
        }
        return at.to(Phase.STRING, at.field(), 0, s, ends);
    }

    /** Whether {@code s} matches the field's anchored pattern or is a prefix of a string that does. */
    private static boolean patternCanHold(JsonField f, String s) {
        Matcher m = f.pattern().matcher(s);
        return m.matches() || m.hitEnd();
    }

    /** Copy extensions tried at most per {@link #completable} check: enough to reach the end of a word or two. */
    private static final int COMPLETION_BUDGET = 256;

    /**
     * Whether a copy {@code s}, which can end at {@code ends} in the source, can still be finished under the field's
     * pattern: closed now, or continued along the source (either case; separators between digits left out) to a
     * point where it closes. Without it, a pattern such as "capitalised words or digits" lets "250" through from
     * "250rb" or "Budi " before "50rb": dead ends where no token is allowed. A search that runs out of budget
     * answers yes, as the constraint did before it looked ahead.
     */
    private boolean completable(JsonField f, String s, BitSet ends, int[] spent) {
        if (closes(f, s, ends)) {
            return true;
        }
        boolean afterDigit = !s.isEmpty() && Character.isDigit(s.charAt(s.length() - 1));
        Set<Character> next = new LinkedHashSet<>();
        for (int e = ends.nextSetBit(0); e >= 0 && e < source.length(); e = ends.nextSetBit(e + 1)) {
            char sc = source.charAt(e);
            next.add(Character.toUpperCase(sc));
            next.add(Character.toLowerCase(sc));
            for (int i = e; afterDigit && i + 1 < source.length() && CopiedText.isSeparator(source.charAt(i)); i++) {
                if (Character.isDigit(source.charAt(i + 1))) {
                    next.add(source.charAt(i + 1));
                }
            }
        }
        for (char c : next) {
            if (++spent[0] > COMPLETION_BUDGET) {
                return true;
            }
            String t = s + c;
            if (t.length() > f.maxLength() || !patternCanHold(f, t)) {
                continue;
            }
            BitSet after = copyEnds(ends, c, afterDigit && Character.isDigit(c));
            if (!after.isEmpty() && completable(f, t, after, spent)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where a copy can end after one more character {@code c}, from where it could end before: the source's next
     * character equals {@code c} ignoring case; between two digits, the source's separators (space, '-', '.') may be
     * left out, so "08962098647" is copied from "0896 2098 647".
     */
    private BitSet copyEnds(BitSet from, char c, boolean betweenDigits) {
        sourceUsed = true;
        char lc = Character.toLowerCase(c);
        BitSet out = new BitSet();
        for (int e = from.nextSetBit(0); e >= 0; e = from.nextSetBit(e + 1)) {
            for (int i = e; i < source.length(); i++) {
                char sc = source.charAt(i);
                if (Character.toLowerCase(sc) == lc) {
                    out.set(i + 1);
                }
                if (!betweenDigits || !CopiedText.isSeparator(sc)) {
                    break;
                }
            }
        }
        return out;
    }

    private boolean closes(JsonField f, String s, BitSet ends) {
        if (s.codePointCount(0, s.length()) < f.minLength()) {
            return false;
        }
        if (f.enumStrings() != null && !f.enumStrings().contains(s)) {
            return false;
        }
        if (f.pattern() != null && !(f.anchored() ? f.pattern().matcher(s).matches() : f.pattern().matcher(s).find())) {
            return false;
        }
        if (f.copied()) { // the copy ends where a word of the source ends
            sourceUsed = true;
            if (s.isEmpty() || Character.isWhitespace(s.charAt(s.length() - 1))) {
                return false;
            }
            for (int e = ends.nextSetBit(0); e >= 0; e = ends.nextSetBit(e + 1)) {
                if (e == source.length() || !Character.isLetterOrDigit(source.charAt(e))) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    private Cursor number(Cursor at, char c) {
        JsonField f = grammar.fields().get(at.field());
        String s = at.text() + c;
        // a prefix of a JSON number completes with "1" or ".1" (a positive "0" needs the fraction) or not at all
        boolean viable = !(f.nonNegative() && c == '-') && s.length() <= MAX_NUMBER_CHARS
                && (completeNumber(f, s) || (s.length() < MAX_NUMBER_CHARS && completeNumber(f, s + "1"))
                        || (s.length() < MAX_NUMBER_CHARS - 1 && completeNumber(f, s + ".1")));
        if (viable) {
            return at.to(Phase.NUMBER, at.field(), 0, s);
        }
        if (at.text().isEmpty() || !completeNumber(f, at.text())) {
            return null;
        }
        Set<JsonValueKind> kinds = INTEGER.matcher(at.text()).matches()
                ? Set.of(JsonValueKind.NUMBER, JsonValueKind.INTEGER) : Set.of(JsonValueKind.NUMBER);
        return literal(afterValue(at, kinds, at.text()), c); // the number ends where the next literal starts
    }

    /** Whether {@code s} is a whole number {@code f} accepts: its grammar, and not zero when it must be positive. */
    private static boolean completeNumber(JsonField f, String s) {
        return (f.allows(JsonValueKind.NUMBER) ? NUMBER : INTEGER).matcher(s).matches()
                && !(f.positive() && ZERO.matcher(s).matches());
    }
}
