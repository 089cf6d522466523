package org.finetune4j.data;

import java.util.Arrays;

/**
 * One micro-batch of tokenised training rows, right-padded to a common length.
 *
 * <p>Labels follow HF's convention: aligned with {@code inputIds} (not shifted; the loss shifts),
 * {@link #IGNORE} everywhere that must not be learned (system/user turns, assistant headers, padding).
 *
 * @param inputIds  (B, T) token ids; padding uses any valid id
 * @param labels    (B, T) target ids or {@link #IGNORE}
 * @param segments  (B, T) attention labels: 0 for one sample per row, 0,1,2… for packed samples, -1 for
 *                  padding (see {@code ForwardInput})
 * @param positions (B, T) rotary positions, restarting at 0 for each packed sample
 */
public record TokenBatch(long[][] inputIds, long[][] labels, int[][] segments, long[][] positions) {
    public static final long IGNORE = -100;

    public TokenBatch {
        int b = inputIds.length;
        if (b == 0) {
            throw new IllegalArgumentException("empty batch");
        }
        int t = inputIds[0].length;
        for (int r = 0; r < b; r++) {
            if (inputIds[r].length != t || labels[r].length != t || segments[r].length != t || positions[r].length != t) {
                throw new IllegalArgumentException("row " + r + " of the batch is not " + t + " long in every field");
            }
        }
    }

    public int batchSize() {
        return inputIds.length;
    }

    public int length() {
        return inputIds[0].length;
    }

    /** Tokens the loss scores: label ≠ IGNORE at positions 1…T-1 (position 0 has nothing before it). */
    public long targetCount() {
        long n = 0;
        for (long[] row : labels) {
            for (int t = 1; t < row.length; t++) {
                if (row[t] != IGNORE) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Non-padding tokens (for tokens/s). */
    public long tokenCount() {
        long n = 0;
        for (int[] row : segments) {
            for (int s : row) {
                if (s >= 0) {
                    n++;
                }
            }
        }
        return n;
    }

    /** A batch of unpadded rows of equal length with every token a target (pretraining text). */
    public static TokenBatch ofFullRows(long[][] ids) {
        long[][] labels = new long[ids.length][];
        int[][] seg = new int[ids.length][];
        long[][] pos = new long[ids.length][];
        for (int r = 0; r < ids.length; r++) {
            labels[r] = ids[r].clone();
            seg[r] = new int[ids[r].length];
            pos[r] = new long[ids[r].length];
            for (int t = 0; t < pos[r].length; t++) {
                pos[r][t] = t;
            }
        }
        return new TokenBatch(ids, labels, seg, pos);
    }

    @Override
    public String toString() {
        return "TokenBatch[" + batchSize() + "x" + length() + ", targets=" + targetCount() + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenBatch t && Arrays.deepEquals(inputIds, t.inputIds) && Arrays.deepEquals(labels, t.labels)
                && Arrays.deepEquals(segments, t.segments) && Arrays.deepEquals(positions, t.positions);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(inputIds) * 31 + Arrays.deepHashCode(labels);
    }
}
