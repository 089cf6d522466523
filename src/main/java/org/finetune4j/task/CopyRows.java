package org.finetune4j.task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.finetune4j.data.TokenizedSample;

/**
 * Training rows that can only be predicted by copying from earlier in the row: random token segments, each
 * repeated after a short gap of other random tokens. Only the repeats are targets (from their second token on: the
 * first is unpredictable), so the loss measures in-context copying and nothing else; chance is ln(vocabulary).
 * The pretraining recipe uses them to grow an induction circuit before the corpus, and mixes some into the corpus
 * so the skill is kept.
 *
 * @param minSegment shortest segment, in tokens
 * @param maxSegment longest segment
 * @param maxGap     longest gap between a segment and its repeat (0 = adjacent)
 */
public record CopyRows(int minSegment, int maxSegment, int maxGap) {
    public static final long IGNORE = -100;

    public CopyRows {
        if (minSegment < 2 || maxSegment < minSegment || maxGap < 0) {
            throw new IllegalArgumentException("need 2 <= minSegment <= maxSegment and maxGap >= 0: " + this);
        }
    }

    /** Segments of 4–23 tokens, gaps of 0–11: the settings of the pilots that showed an induction head forming. */
    public static CopyRows defaults() {
        return new CopyRows(4, 23, 11);
    }

    /**
     * {@code count} rows of {@code length} tokens drawn from ids {@code [0, vocabSize)} minus {@code excluded}
     * (special tokens), the same for the same seed.
     */
    public List<TokenizedSample> generate(int count, int length, int vocabSize, Set<Long> excluded, long seed) {
        if (length < 2 * minSegment) {
            throw new IllegalArgumentException("a row of " + length + " tokens cannot hold a segment of " + minSegment
                    + " tokens twice");
        }
        long[] pool = new long[vocabSize];
        int n = 0;
        for (long id = 0; id < vocabSize; id++) {
            if (!excluded.contains(id)) {
                pool[n++] = id;
            }
        }
        if (n < 2) {
            throw new IllegalArgumentException("fewer than 2 token ids to draw from");
        }
        long[] ids = Arrays.copyOf(pool, n);
        Random random = new Random(seed);
        List<TokenizedSample> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(row(random, ids, length, "copy:" + (i + 1)));
        }
        return out;
    }

    private TokenizedSample row(Random random, long[] pool, int length, String source) {
        long[] input = new long[length];
        long[] labels = new long[length];
        Arrays.fill(labels, IGNORE);
        int pos = 0;
        while (pos < length) {
            int k = minSegment + random.nextInt(maxSegment - minSegment + 1);
            int gap = random.nextInt(maxGap + 1);
            if (pos + 2 * k + gap > length) { // no room for another pair: random tail, not scored
                while (pos < length) {
                    input[pos++] = pool[random.nextInt(pool.length)];
                }
                break;
            }
            int start = pos;
            for (int j = 0; j < k; j++) {
                input[pos++] = pool[random.nextInt(pool.length)];
            }
            for (int j = 0; j < gap; j++) {
                input[pos++] = pool[random.nextInt(pool.length)];
            }
            for (int j = 0; j < k; j++, pos++) {
                input[pos] = input[start + j];
                if (j > 0) { // the repeat's first token cannot be known; the rest are copies
                    labels[pos] = input[pos];
                }
            }
        }
        return new TokenizedSample(input, labels, source);
    }
}
