package org.finetune4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PaddedBatchSourceTest {
    private static final long PAD = 99;

    private static List<PackedRow> rows(int... lengths) {
        List<TokenizedSample> samples = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            samples.add(PackerTest.sample(i, lengths[i]));
        }
        return Packer.unpacked(samples);
    }

    @Test
    void batchesArePaddedToTheirLongestRow() {
        List<PackedRow> rows = rows(3, 5, 2, 7, 1);
        PaddedBatchSource source = new PaddedBatchSource(rows, 2, PAD, 1, false);
        assertEquals(3, source.batchesPerEpoch());
        TokenBatch first = source.batch(0, 0);
        assertEquals(2, first.batchSize());
        assertEquals(5, first.length());
        assertArrayEquals(new long[] {1000, 1001, 1002, PAD, PAD}, first.inputIds()[0]);
        assertArrayEquals(new long[] {TokenBatch.IGNORE, 1001, 1002, TokenBatch.IGNORE, TokenBatch.IGNORE},
                first.labels()[0]);
        assertArrayEquals(new int[] {0, 0, 0, -1, -1}, first.segments()[0]);
        assertArrayEquals(new long[] {0, 1, 2, 3, 4}, first.positions()[0]);
        assertArrayEquals(rows.get(1).inputIds(), first.inputIds()[1]);
        TokenBatch last = source.batch(0, 2);
        assertEquals(1, last.batchSize());
        assertEquals(1, last.length());
        assertEquals(8, first.tokenCount());
        assertThrows(IndexOutOfBoundsException.class, () -> source.batch(0, 3));
    }

    @Test
    void epochOrderIsAPureFunctionOfSeedAndEpoch() {
        int[] lengths = new int[23];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = 2 + i % 5;
        }
        List<PackedRow> rows = rows(lengths);
        PaddedBatchSource a = new PaddedBatchSource(rows, 4, PAD, 42, true);
        PaddedBatchSource b = new PaddedBatchSource(rows, 4, PAD, 42, true);
        // Resume: asking b for epoch 3 first (no cached order) gives what a gives after other epochs.
        TokenBatch resumed = b.batch(3, 2);
        a.batch(0, 0);
        a.batch(1, 5);
        assertEquals(a.batch(3, 2), resumed);
        assertFalse(Arrays.equals(a.order(0), a.order(1)));
        assertFalse(Arrays.equals(a.order(0), new PaddedBatchSource(rows, 4, PAD, 43, true).order(0)));

        // Every row exactly once per epoch.
        Set<String> seen = new TreeSet<>();
        int count = 0;
        for (int i = 0; i < a.batchesPerEpoch(); i++) {
            TokenBatch batch = a.batch(1, i);
            for (long[] ids : batch.inputIds()) {
                seen.add("s" + (ids[0] / 1000 - 1));
                count++;
            }
        }
        assertEquals(23, count);
        assertEquals(23, seen.size());
    }
}
