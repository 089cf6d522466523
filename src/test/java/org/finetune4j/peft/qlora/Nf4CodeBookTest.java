package org.finetune4j.peft.qlora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Nf4CodeBookTest {

    /** The table printed in /work/shared/reference/peft-lora.md §7 (bitsandbytes get_4bit_type("nf4")). */
    private static final double[] PUBLISHED = {
        -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
        -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
        0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
        0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
    };

    @Test
    void tableMatchesPublishedValues() {
        float[] v = Nf4CodeBook.values();
        assertEquals(16, v.length);
        for (int i = 0; i < 16; i++) {
            assertEquals(PUBLISHED[i], v[i], 0.0, "code " + i);
        }
        assertEquals(0f, Nf4CodeBook.value(Nf4CodeBook.ZERO_INDEX));
    }

    @Test
    void constructionFromNormalQuantilesReproducesTheTable() {
        // The brief asks for 1e-7; with float32 linspace points and a double-precision Φ⁻¹ the
        // construction reproduces the published float32 table bit for bit, so the test demands that.
        float[] built = Nf4CodeBook.createNormalMap(Nf4CodeBook.DEFAULT_OFFSET);
        for (int i = 0; i < 16; i++) {
            assertEquals(PUBLISHED[i], built[i], 0.0, "code " + i);
        }
    }

    @Test
    void largestPositiveValueBeforeNormalisationIsTheQuantileOfTheOffset() {
        // 1 = Φ⁻¹(0.9677083)/max, and the smallest positive code is Φ⁻¹(p)/Φ⁻¹(0.9677083) for the
        // 8th point of linspace(0.9677083, 0.5, 9): p = 0.5 + (0.9677083 − 0.5)/8.
        double max = NormalDistribution.inverseCdf(0.9677083);
        double smallest = NormalDistribution.inverseCdf(0.5 + (0.9677083 - 0.5) / 8) / max;
        assertEquals(smallest, Nf4CodeBook.value(8), 1e-6);
    }

    @Test
    void midpointsAreHalfwayAndTiesTakeTheLowerCode() {
        float[] mid = Nf4CodeBook.midpoints();
        for (int k = 0; k < 15; k++) {
            double expected = (PUBLISHED[k] + PUBLISHED[k + 1]) / 2;
            assertEquals(expected, mid[k], 1e-7);
            assertEquals(k, Nf4CodeBook.nearestCode(mid[k]), "on midpoint " + k);
            assertEquals(k + 1, Nf4CodeBook.nearestCode(Math.nextUp(mid[k])), "above midpoint " + k);
        }
        // c8/2 is exactly representable: 0.07958029955625534 / 2 = 0.03979014977812767 → code 7.
        assertEquals(7, Nf4CodeBook.nearestCode(0.03979014977812767f));
    }

    @Test
    void nearestCodeAgreesWithBruteForceArgmin() {
        float[] v = Nf4CodeBook.values();
        java.util.Random r = new java.util.Random(7);
        for (int t = 0; t < 20_000; t++) {
            float x = r.nextFloat() * 2 - 1;
            int best = 0;
            for (int k = 1; k < 16; k++) {
                if (Math.abs(x - v[k]) < Math.abs(x - v[best])) {
                    best = k;
                }
            }
            assertEquals(best, Nf4CodeBook.nearestCode(x), "x=" + x);
        }
        assertTrue(Nf4CodeBook.nearestCode(-1f) == 0 && Nf4CodeBook.nearestCode(1f) == 15);
    }
}
