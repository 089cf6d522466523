package org.finetune4j.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * One conversation as token ids and aligned labels (HF convention: not shifted, {@link TokenBatch#IGNORE}
 * where nothing is learned).
 *
 * @param inputIds (T) token ids of the rendered conversation
 * @param labels   (T) the id at learned positions, {@link TokenBatch#IGNORE} elsewhere
 * @param source   {@code "file:line"} of the example
 */
public record TokenizedSample(long[] inputIds, long[] labels, String source) {
    public TokenizedSample {
        Objects.requireNonNull(source, "source");
        if (inputIds.length != labels.length) {
            throw new IllegalArgumentException(source + ": " + inputIds.length + " tokens but " + labels.length + " labels");
        }
        for (int t = 0; t < labels.length; t++) {
            if (labels[t] != TokenBatch.IGNORE && labels[t] != inputIds[t]) {
                throw new IllegalArgumentException(source + ": label " + labels[t] + " at position " + t
                        + " is neither IGNORE nor the token there (" + inputIds[t] + ")");
            }
        }
    }

    public int length() {
        return inputIds.length;
    }

    /** Labels the shifted loss scores: not IGNORE, at positions 1…T-1 (position 0 has no predecessor). */
    public int trainableTokens() {
        int n = 0;
        for (int t = 1; t < labels.length; t++) {
            if (labels[t] != TokenBatch.IGNORE) {
                n++;
            }
        }
        return n;
    }

    /** Whether position {@code t} is learned. */
    public boolean isTrained(int t) {
        return labels[t] != TokenBatch.IGNORE;
    }

    /** The first {@code maxLength} tokens (this sample when it is not longer). */
    public TokenizedSample truncate(int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be positive, got " + maxLength);
        }
        if (inputIds.length <= maxLength) {
            return this;
        }
        return new TokenizedSample(Arrays.copyOf(inputIds, maxLength), Arrays.copyOf(labels, maxLength), source);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenizedSample s && Arrays.equals(inputIds, s.inputIds) && Arrays.equals(labels, s.labels)
                && source.equals(s.source);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(inputIds) * 31 + Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
        return "TokenizedSample[" + source + ", " + length() + " tokens, " + trainableTokens() + " trained]";
    }
}
