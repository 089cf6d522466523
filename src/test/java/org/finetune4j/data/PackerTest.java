package org.finetune4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PackerTest {
    /**
     * A sample of {@code length} tokens whose ids encode (sample, position) so that any mix-up shows;
     * the first half is masked, the second half learned.
     */
    static TokenizedSample sample(int index, int length) {
        long[] ids = new long[length];
        long[] labels = new long[length];
        for (int t = 0; t < length; t++) {
            ids[t] = 1000L * (index + 1) + t;
            labels[t] = t >= length / 2 ? ids[t] : TokenBatch.IGNORE;
        }
        return new TokenizedSample(ids, labels, "s" + index);
    }

    @Test
    void bestFitDecreasingMatchesAHandPackedExample() {
        // lengths 5,4,3,3,2,1 into rows of 8: 5→r0 (3 free), 4→r1 (4 free), 3→r0 (tightest, 0 free),
        // 3→r1 (1 free), 2→new r2 (6 free), 1→r1 (tightest, 0 free).
        int[] lengths = {3, 5, 1, 4, 2, 3};
        List<TokenizedSample> samples = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            samples.add(sample(i, lengths[i]));
        }
        List<PackedRow> rows = Packer.pack(samples, 8);
        assertEquals(List.of(List.of("s1", "s0"), List.of("s3", "s5", "s2"), List.of("s4")),
                rows.stream().map(PackedRow::sources).toList());
        assertEquals(List.of(8, 8, 2), rows.stream().map(PackedRow::length).toList());
        assertEquals(rows, Packer.pack(samples, 8));
    }

    @Test
    void packedRowsKeepEverySampleIntactAndIsolated() {
        Random random = new Random(7);
        List<TokenizedSample> samples = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            samples.add(sample(i, 2 + random.nextInt(60)));
        }
        int maxLength = 128;
        List<PackedRow> rows = Packer.pack(samples, maxLength);
        Map<String, TokenizedSample> bySource = new HashMap<>();
        samples.forEach(s -> bySource.put(s.source(), s));
        int seen = 0;
        for (PackedRow row : rows) {
            assertTrue(row.length() <= maxLength);
            int at = 0;
            for (int seg = 0; seg < row.sources().size(); seg++) {
                TokenizedSample s = bySource.remove(row.sources().get(seg));
                for (int t = 0; t < s.length(); t++) {
                    assertEquals(seg, row.segments()[at + t]);
                    assertEquals(t, row.positions()[at + t]);
                    assertEquals(s.inputIds()[t], row.inputIds()[at + t]);
                    long expectedLabel = t == 0 ? TokenBatch.IGNORE : s.labels()[t];
                    assertEquals(expectedLabel, row.labels()[at + t]);
                }
                at += s.length();
                seen++;
            }
            assertEquals(row.length(), at);
            // No label is predicted from another sample's token: a learned position's predecessor shares its segment.
            for (int t = 1; t < row.length(); t++) {
                if (row.labels()[t] != TokenBatch.IGNORE) {
                    assertEquals(row.segments()[t - 1], row.segments()[t]);
                }
            }
        }
        assertEquals(200, seen);
        assertTrue(bySource.isEmpty());
        int totalTokens = samples.stream().mapToInt(TokenizedSample::length).sum();
        assertTrue(rows.size() < samples.size() && rows.size() >= (totalTokens + maxLength - 1) / maxLength);
    }

    @Test
    void unpackedIsOneRowPerSampleWithLabelsUnchanged() {
        List<TokenizedSample> samples = List.of(sample(0, 4), sample(1, 6));
        List<PackedRow> rows = Packer.unpacked(samples);
        assertEquals(2, rows.size());
        assertArrayEquals(samples.get(1).labels(), rows.get(1).labels());
        assertArrayEquals(new int[6], rows.get(1).segments());
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5}, rows.get(1).positions());
    }

    @Test
    void sampleLongerThanARowIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Packer.pack(List.of(sample(0, 9)), 8));
        assertEquals("s0: 9 tokens do not fit a row of 8; truncate before packing", e.getMessage());
    }
}
