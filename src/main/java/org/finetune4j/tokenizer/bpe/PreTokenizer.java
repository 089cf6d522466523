package org.finetune4j.tokenizer.bpe;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into pre-tokens with a regular expression, exactly as the Hugging Face
 * {@code tokenizers} {@code Split} pre-tokenizer with behaviour {@code Isolated} does: every match
 * is a piece, and any text between matches is a piece of its own. BPE merges never cross a
 * piece boundary.
 *
 * <p>The regex string is written verbatim into {@code tokenizer.json}, where the Rust library
 * compiles it with Oniguruma. Java compiles it with {@link Pattern#UNICODE_CHARACTER_CLASS} so that
 * {@code \s} means Unicode {@code White_Space} (the set Oniguruma uses) and {@code (?i:…)} folds
 * case by Unicode rules; the pattern uses only constructs with the same meaning in both engines.
 */
public final class PreTokenizer {

    /**
     * The Qwen2-style pattern: English contractions (case-insensitive), a word with at most one
     * leading non-letter (usually a space), <b>single</b> digits, a punctuation run with an optional
     * leading space and trailing newlines, newline runs, and whitespace runs that leave their last
     * space to the following word.
     *
     * <p>Why single digits ({@code \p{N}}) rather than Llama-3's 1–3 digit groups: a 4,096-token
     * vocabulary cannot spare slots for hundreds of digit groups, and single digits make
     * Indonesian amounts such as {@code "Rp 1.250.000"} tokenize uniformly ({@code 1 . 2 5 0 …}),
     * which helps a small model copy numbers exactly.
     */
    public static final String QWEN2_STYLE_PATTERN =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)"
                    + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
                    + "|\\p{N}"
                    + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+"
                    + "|\\s+(?!\\S)"
                    + "|\\s+";

    private static final PreTokenizer STANDARD = new PreTokenizer(QWEN2_STYLE_PATTERN);

    private final String regex;
    private final Pattern pattern;

    /**
     * A pre-tokenizer for {@code regex}; prefer {@link #standard()}. A custom regex must be valid in
     * both Java and Oniguruma syntax and must not match the empty string.
     */
    public PreTokenizer(String regex) {
        this.regex = Objects.requireNonNull(regex, "regex");
        this.pattern = Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
        if (pattern.matcher("").matches()) {
            throw new IllegalArgumentException("pre-tokenizer regex matches the empty string: " + regex);
        }
    }

    /** The pre-tokenizer with {@link #QWEN2_STYLE_PATTERN}. */
    public static PreTokenizer standard() {
        return STANDARD;
    }

    /** The regex string, as written into {@code tokenizer.json}. */
    public String regex() {
        return regex;
    }

    /** The pieces of {@code text}, in order; their concatenation is {@code text}. */
    public List<String> split(CharSequence text) {
        List<String> pieces = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                pieces.add(text.subSequence(last, m.start()).toString());
            }
            pieces.add(m.group());
            last = m.end();
        }
        if (last < text.length()) {
            pieces.add(text.subSequence(last, text.length()).toString());
        }
        return pieces;
    }
}
