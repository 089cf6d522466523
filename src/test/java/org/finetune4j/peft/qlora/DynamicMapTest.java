package org.finetune4j.peft.qlora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;

class DynamicMapTest {

    @Test
    void has256SortedValuesWithZeroAndOne() {
        float[] v = DynamicMap.values();
        assertEquals(256, v.length);
        for (int i = 1; i < v.length; i++) {
            assertTrue(v[i - 1] < v[i], "strictly ascending at " + i);
        }
        assertEquals(0f, v[DynamicMap.ZERO_INDEX]);
        assertEquals(1f, v[255]);
    }

    @Test
    void nonSpecialValuesComeInExactSymmetricPairs() {
        // 127 negatives (0..126), zero (127), 127 positives (128..254), 1.0 (255): v[k] = -v[254 - k].
        float[] v = DynamicMap.values();
        for (int k = 0; k < 127; k++) {
            assertEquals(-v[254 - k], v[k], 0f, "pair " + k);
        }
    }

    @Test
    void spotValuesDerivedFromTheFormula() {
        float[] v = DynamicMap.values();
        // Decade 0 (scale 1e-6): linspace(0.1, 1, 2) = [0.1, 1], one midpoint 0.55 → smallest positive 5.5e-7.
        assertEquals(5.5e-7, v[128], 1e-13);
        assertEquals(-5.5e-7, v[126], 1e-13);
        // Decade 1 (scale 1e-5): linspace(0.1, 1, 3) = [0.1, 0.55, 1] → midpoints 0.325, 0.775 → 3.25e-6, 7.75e-6.
        assertEquals(3.25e-6, v[129], 1e-12);
        assertEquals(7.75e-6, v[130], 1e-12);
        // Decade 6 (scale 1): linspace(0.1, 1, 65) has step 0.9/64 = 0.0140625; its 64 midpoints
        // 0.1 + (k + 0.5)·0.0140625 fill indices 191..254: first 0.10703125, last 0.99296875.
        assertEquals(0.10703125, v[191], 1e-7);
        assertEquals(0.99296875, v[254], 1e-7);
        assertEquals(-0.99296875, v[0], 1e-7);
        // Decade 5 (scale 0.1): step 0.9/32 = 0.028125; its last midpoint 0.1·(1 − 0.0140625) = 0.09859375 at 190.
        assertEquals(0.09859375, v[190], 1e-8);
        // Decade i contributes 2^i positives: decades 0..5 hold 63 values, so 128 + 63 = 191 starts decade 6.
        assertTrue(v[190] < 0.1f && v[191] > 0.1f);
    }

    @Test
    void matchesTheMapComputedWithLibtorchOps() {
        // Independent reference: the same recipe evaluated by libtorch (torch.linspace, add, div, mul) through DJL.
        List<Float> data = new ArrayList<>();
        try (NDManager m = Djl.engine().newBaseManager()) {
            for (int i = 0; i <= 6; i++) {
                NDArray b = m.linspace(0.1f, 1.0f, (1 << i) + 1);
                NDArray means = b.get(":-1").add(b.get("1:")).div(2f);
                float scale = (float) Math.pow(10, i - 6);
                for (float x : means.mul(scale).toFloatArray()) {
                    data.add(x);
                }
                for (float x : means.mul(-scale).toFloatArray()) {
                    data.add(x);
                }
            }
        }
        data.add(0f);
        data.add(1f);
        float[] expected = new float[data.size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = data.get(i);
        }
        java.util.Arrays.sort(expected);
        assertArrayEquals(expected, DynamicMap.values());
    }

    @Test
    void nearestIndexAgreesWithBruteForceArgmin() {
        float[] v = DynamicMap.values();
        java.util.Random r = new java.util.Random(11);
        for (int t = 0; t < 20_000; t++) {
            // log-uniform magnitudes so every decade is exercised
            float x = (float) ((r.nextBoolean() ? 1 : -1) * Math.pow(10, -7 * r.nextDouble()));
            int best = 0;
            for (int k = 1; k < 256; k++) {
                if (Math.abs(x - v[k]) < Math.abs(x - v[best])) {
                    best = k;
                }
            }
            assertEquals(best, DynamicMap.nearestIndex(x), "x=" + x);
        }
        assertEquals(DynamicMap.ZERO_INDEX, DynamicMap.nearestIndex(0f));
        assertEquals(255, DynamicMap.nearestIndex(1f));
        assertEquals(0, DynamicMap.nearestIndex(-1f));
    }
}
