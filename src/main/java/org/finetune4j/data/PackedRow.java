package org.finetune4j.data;

import java.util.Arrays;
import java.util.List;

/**
 * One unpadded training row: a single sample, or several packed one after another.
 *
 * @param inputIds  (T) token ids
 * @param labels    (T) targets or {@link TokenBatch#IGNORE}; in packed rows the first token of every
 *                  sample is IGNORE so that no sample is trained to follow the previous one
 * @param segments  (T) 0, 1, 2… — which sample of the row each token belongs to (attention stays inside it)
 * @param positions (T) rotary positions, restarting at 0 for every sample
 * @param sources   sources of the samples, in segment order
 */
public record PackedRow(long[] inputIds, long[] labels, int[] segments, long[] positions, List<String> sources) {
    public PackedRow {
        int t = inputIds.length;
        if (labels.length != t || segments.length != t || positions.length != t) {
            throw new IllegalArgumentException("row fields differ in length");
        }
        sources = List.copyOf(sources);
    }

    public int length() {
        return inputIds.length;
    }

    /** Labels the shifted loss scores (not IGNORE, position ≥ 1). */
    public int trainableTokens() {
        int n = 0;
        for (int t = 1; t < labels.length; t++) {
            if (labels[t] != TokenBatch.IGNORE) {
                n++;
            }
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PackedRow r && Arrays.equals(inputIds, r.inputIds) && Arrays.equals(labels, r.labels)
                && Arrays.equals(segments, r.segments) && Arrays.equals(positions, r.positions) && sources.equals(r.sources);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(inputIds) * 31 + sources.hashCode();
    }

    @Override
    public String toString() {
        return "PackedRow[" + length() + " tokens, " + sources.size() + " samples " + sources + "]";
    }
}
