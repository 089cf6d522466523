package org.finetune4j.tokenizer.bpe;

/**
 * GPT-2's byte-level alphabet ({@code bytes_to_unicode}): a bijection between the 256 byte values
 * and 256 printable Unicode characters, so that every BPE token of arbitrary bytes is a readable,
 * whitespace-free string in {@code tokenizer.json}.
 *
 * <p>Bytes {@code 0x21–0x7E}, {@code 0xA1–0xAC} and {@code 0xAE–0xFF} map to the code point of the
 * same value; the other 68 bytes ({@code 0x00–0x20}, {@code 0x7F–0xA0}, {@code 0xAD}) map, in
 * increasing byte order, to U+0100, U+0101, … . Thus space becomes {@code Ġ} (U+0120) and
 * {@code \n} becomes {@code Ċ} (U+010A). All 256 characters lie in U+0021…U+0143 (BMP), so a
 * Java {@code char} holds each one.
 */
public final class ByteLevelAlphabet {
    /** Byte value (0–255) → character. */
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Character → byte value, or -1; indexed by code point up to the largest mapped one. */
    private static final int[] CHAR_TO_BYTE;

    static {
        int next = 0x100;
        int max = 0;
        for (int b = 0; b < 256; b++) {
            char c = keepsOwnCodePoint(b) ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            max = Math.max(max, c);
        }
        CHAR_TO_BYTE = new int[max + 1];
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        for (int b = 0; b < 256; b++) {
            CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
        }
    }

    private ByteLevelAlphabet() {}

    private static boolean keepsOwnCodePoint(int b) {
        return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The alphabet character of {@code byteValue}; accepts 0–255 or a signed Java byte. */
    public static char toChar(int byteValue) {
        return BYTE_TO_CHAR[byteValue & 0xFF];
    }

    /** The byte value (0–255) that {@code c} stands for, or -1 if {@code c} is not in the alphabet. */
    public static int toByte(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** Maps every byte to its alphabet character: the form BPE vocab and merge strings use. */
    public static String encode(byte[] bytes) {
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    /**
     * Maps a byte-level string back to its bytes.
     *
     * @throws IllegalArgumentException if a character is not in the alphabet (the message names it
     *     and its index)
     */
    public static byte[] decode(CharSequence s) {
        byte[] out = new byte[s.length()];
        for (int i = 0; i < s.length(); i++) {
            int b = toByte(s.charAt(i));
            if (b < 0) {
                throw new IllegalArgumentException(String.format(
                        "character U+%04X at index %d of \"%s\" is not in the byte-level alphabet",
                        (int) s.charAt(i), i, s));
            }
            out[i] = (byte) b;
        }
        return out;
    }
}
