package org.finetune4j.generate.constraint;

/**
 * What counts as copying a value from a text: the value is a run of the text's characters, ignoring case, that
 * starts and ends at word boundaries (not with a space), where the text's separators (space, '-', '.') between two
 * digits may be left out. So "Mas Hendra" is copied from "tf ke mas hendra", "IndiHome" from "INDIHOME" and "08962098647" from
 * "0896 2098 647", but "Riz" is not copied from "rizky".
 */
public final class CopiedText {
    private CopiedText() {
    }

    /** Characters of the source a copy may leave out. */
    public static boolean isSeparator(char c) {
        return c == ' ' || c == '-' || c == '.';
    }

    /** Whether {@code value} is copied from {@code source} by the rule above. */
    public static boolean isCopied(String value, String source) {
        if (value.isEmpty() || Character.isWhitespace(value.charAt(0)) || isSeparator(value.charAt(0))
                || Character.isWhitespace(value.charAt(value.length() - 1))) {
            return false;
        }
        for (int start = 0; start < source.length(); start++) {
            if ((start == 0 || !Character.isLetterOrDigit(source.charAt(start - 1))) && matches(value, 0, source, start)) {
                return true;
            }
        }
        return false;
    }

    /** Whether value[k..] is copied from source[i..] up to a word end. */
    private static boolean matches(String value, int k, String source, int i) {
        if (k == value.length()) {
            return i == source.length() || !Character.isLetterOrDigit(source.charAt(i));
        }
        if (i == source.length()) {
            return false;
        }
        char s = source.charAt(i);
        if (Character.toLowerCase(s) == Character.toLowerCase(value.charAt(k)) && matches(value, k + 1, source, i + 1)) {
            return true;
        }
        return k > 0 && isSeparator(s) && Character.isDigit(value.charAt(k - 1)) && Character.isDigit(value.charAt(k))
                && matches(value, k, source, i + 1);
    }
}
