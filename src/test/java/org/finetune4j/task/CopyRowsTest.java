package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.finetune4j.data.TokenizedSample;
import org.junit.jupiter.api.Test;

class CopyRowsTest {
    static final Set<Long> SPECIALS = Set.of(0L, 1L, 2L);

    @Test
    void sameSeedSameRowsOtherSeedOtherRows() {
        List<TokenizedSample> a = CopyRows.defaults().generate(5, 128, 500, SPECIALS, 9);
        List<TokenizedSample> b = CopyRows.defaults().generate(5, 128, 500, SPECIALS, 9);
        List<TokenizedSample> c = CopyRows.defaults().generate(5, 128, 500, SPECIALS, 10);
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(a.get(i).inputIds(), b.get(i).inputIds());
            assertArrayEquals(a.get(i).labels(), b.get(i).labels());
        }
        assertFalse(java.util.Arrays.equals(a.get(0).inputIds(), c.get(0).inputIds()));
    }

    /**
     * Every scored token is a copy: its label is the token itself, never a special token, and the pair (previous
     * token, this token) occurs earlier in the row — what an induction head looks up. Segment lengths and gaps
     * stay in the configured ranges.
     */
    @Test
    void everyScoredTokenCanBeFoundEarlierInTheRow() {
        CopyRows rows = new CopyRows(4, 23, 11);
        int scored = 0;
        for (TokenizedSample s : rows.generate(50, 256, 4096, SPECIALS, 1)) {
            long[] in = s.inputIds();
            long[] lab = s.labels();
            assertEquals(256, in.length);
            assertEquals(256, lab.length);
            for (int p = 0; p < in.length; p++) {
                assertFalse(SPECIALS.contains(in[p]), "special token drawn at " + p);
                assertTrue(in[p] >= 0 && in[p] < 4096);
                if (lab[p] == CopyRows.IGNORE) {
                    continue;
                }
                scored++;
                assertEquals(in[p], lab[p]);
                boolean found = false;
                for (int q = 0; q + 1 < p - 1 && !found; q++) {
                    found = in[q] == in[p - 1] && in[q + 1] == in[p];
                }
                assertTrue(found, s.source() + ": scored token at " + p + " has no earlier occurrence");
            }
        }
        // ≈ 256 / (2·13.5 + 5.5) segments of ≈ 12.5 scored tokens each: about 40 % of the tokens
        assertTrue(scored > 50 * 256 / 4 && scored < 50 * 256 / 2, "scored " + scored);
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new CopyRows(1, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> new CopyRows(6, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> new CopyRows(2, 5, -1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CopyRows.defaults().generate(1, 6, 100, Set.of(), 1));
        assertTrue(e.getMessage().contains("6 tokens"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CopyRows.defaults().generate(1, 64, 3, SPECIALS, 1));
        assertNotEquals(CopyRows.defaults(), new CopyRows(4, 23, 10));
    }
}
