package org.finetune4j.eval;

/**
 * How the JSON answer is cut out of a model completion before it is parsed.
 *
 * <p>Both modes hand the candidate text to the same strict parser ({@link StrictJson}); they only differ in
 * how much surrounding text they forgive. Report which one was used next to every parse rate: a lenient
 * parse rate says "the model produced JSON somewhere", a strict one says "the completion <em>is</em> JSON".
 */
public enum JsonExtraction {

    /** The whole completion, after trimming whitespace, must be exactly one JSON value. */
    STRICT,

    /**
     * Markdown code fences are stripped (the first {@code ```} block wins, with or without a language tag)
     * and the first balanced {@code {...}} object is taken; braces inside JSON strings are respected. When an
     * object opens but never closes, the text from that brace to the end is kept, so a cut-off answer is
     * still reported as truncated rather than as "not JSON".
     */
    LENIENT;

    /** The text the strict parser will see for {@code completion}. */
    public String candidate(String completion) {
        String text = completion == null ? "" : completion;
        if (this == STRICT) {
            return text.strip();
        }
        String inner = stripFence(text);
        String object = firstBalancedObject(inner);
        if (object == null && inner != text) {
            object = firstBalancedObject(text);
        }
        return object != null ? object : inner.strip();
    }

    /** Contents of the first fenced block, or the text itself when there is no opening fence. */
    private static String stripFence(String text) {
        int open = text.indexOf("```");
        if (open < 0) {
            return text;
        }
        int lineEnd = text.indexOf('\n', open + 3);
        if (lineEnd < 0) {
            return text.substring(open + 3);
        }
        int close = text.indexOf("```", lineEnd + 1);
        return close < 0 ? text.substring(lineEnd + 1) : text.substring(lineEnd + 1, close);
    }

    /**
     * The first {@code {...}} whose braces balance outside of strings; the tail from the first {@code '{'} if
     * it never balances; null when the text has no {@code '{'} at all.
     */
    static String firstBalancedObject(String text) {
        int start = text.indexOf('{');
        if (start < 0) {
            return null;
        }
        int depth = 0;
        boolean inString = false;
        boolean escaped = false;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth == 0) {
                    return text.substring(start, i + 1);
                }
            }
        }
        return text.substring(start).strip();
    }
}
