package org.finetune4j.tokenizer;

import java.util.Arrays;

/**
 * Turns a stream of generated token ids into text pieces as soon as they are complete.
 *
 * <p>A token may end in the middle of a UTF-8 character (byte-level BPE splits emoji and CJK
 * characters across tokens), and decoders such as SentencePiece's treat a token differently at the
 * start of a text. So the decoder keeps a short window: it decodes the tokens since the last
 * emitted piece together with the ones before them, and emits only the text that the newest tokens
 * add, and only once that text does not end in an incomplete character (U+FFFD). Concatenating all
 * pieces and {@link #flush()} gives the same text as decoding all ids at once.
 *
 * <p>Not thread-safe; one instance per generated sequence.
 */
public final class StreamingDecoder {
    private static final char REPLACEMENT = '\uFFFD';

    private final HfTokenizer tokenizer;
    private final boolean skipSpecialTokens;
    private long[] ids = new long[16];
    private int size;
    private int prefixOffset;
    private int readOffset;

    StreamingDecoder(HfTokenizer tokenizer, boolean skipSpecialTokens) {
        this.tokenizer = tokenizer;
        this.skipSpecialTokens = skipSpecialTokens;
    }

    /** Adds one id; returns the newly completed text (empty while a character is still incomplete). */
    public String push(long id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
        String prefix = decode(prefixOffset, readOffset);
        String full = decode(prefixOffset, size);
        if (full.length() > prefix.length() && full.charAt(full.length() - 1) != REPLACEMENT) {
            String piece = full.substring(prefix.length());
            prefixOffset = readOffset;
            readOffset = size;
            return piece;
        }
        return "";
    }

    /** Returns whatever is still held back (an incomplete character decodes to U+FFFD) and resets. */
    public String flush() {
        String prefix = decode(prefixOffset, readOffset);
        String full = decode(prefixOffset, size);
        String rest = full.length() > prefix.length() ? full.substring(prefix.length()) : "";
        prefixOffset = size;
        readOffset = size;
        return rest;
    }

    /** All ids pushed so far. */
    public long[] ids() {
        return Arrays.copyOf(ids, size);
    }

    private String decode(int from, int to) {
        if (from >= to) {
            return "";
        }
        return tokenizer.decode(Arrays.copyOfRange(ids, from, to), skipSpecialTokens);
    }
}
