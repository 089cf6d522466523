package org.finetune4j.peft.qlora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class Nf4QuantizerTest {
    private static final float[] NF4 = Nf4CodeBook.values();

    private static Nf4Options plain(int blockSize) {
        return Nf4Options.builder().optBlockSize(blockSize).optDoubleQuant(false).build();
    }

    private static int[] codes(Nf4Tensor t) {
        int[] c = new int[(int) t.numel()];
        for (int i = 0; i < c.length; i++) {
            c[i] = t.code(i);
        }
        return c;
    }

    /*
     * Hand derivation with absmax 1 (midpoints from the published table):
     *   1.0    → 15 (top code)
     *  -1.0    → 0
     *   0.0    → 7 (exact zero)
     *   0.5    → 12: |0.5 − 0.4407| = 0.0593 < |0.5 − 0.5626| = 0.0626
     *  -0.5    → 2:  |−0.5 + 0.5251| = 0.0251 < |−0.5 + 0.3949| = 0.1051
     *   0.33   → 11: |0.33 − 0.3379| = 0.0079, nearest of 0.2461 / 0.3379 / 0.4407
     *   0.0796 → 8:  0.07958 is code 8 itself
     *  -0.2    → 5:  |−0.2 + 0.1848| = 0.0152 < |−0.2 + 0.2844| = 0.0844
     * Packed, first element high: 0xF0, 0x7C, 0x2B, 0x85.
     */
    private static final float[] HAND = {1.0f, -1.0f, 0.0f, 0.5f, -0.5f, 0.33f, 0.0796f, -0.2f};
    private static final int[] HAND_CODES = {15, 0, 7, 12, 2, 11, 8, 5};
    private static final byte[] HAND_PACKED = {(byte) 0xF0, (byte) 0x7C, (byte) 0x2B, (byte) 0x85};

    @Test
    void handBuiltBlockGetsHandDerivedCodesAndNibbleOrder() {
        Nf4Tensor t = Nf4Tensor.quantize(HAND, new long[] {2, 4}, plain(64));
        assertArrayEquals(HAND_CODES, codes(t));
        assertArrayEquals(HAND_PACKED, t.packed());
        assertArrayEquals(new float[] {1.0f}, t.absmax());
        assertArrayEquals(new long[] {2, 4}, t.shape());
        float[] deq = t.dequantize();
        for (int i = 0; i < HAND.length; i++) {
            assertEquals(NF4[HAND_CODES[i]], deq[i], 0f, "element " + i);
        }
    }

    @Test
    void scalingTheBlockKeepsTheCodesAndRecordsTheAbsmax() {
        float[] scaled = new float[HAND.length];
        for (int i = 0; i < HAND.length; i++) {
            scaled[i] = HAND[i] * 2.5f;
        }
        Nf4Tensor t = Nf4Tensor.quantize(scaled, new long[] {8}, plain(64));
        assertArrayEquals(HAND_CODES, codes(t));
        assertArrayEquals(new float[] {2.5f}, t.absmax());
        float[] deq = t.dequantize();
        for (int i = 0; i < HAND.length; i++) {
            assertEquals(NF4[HAND_CODES[i]] * 2.5f, deq[i], 0f);
        }
    }

    @Test
    void oddLengthLeavesAZeroLowNibbleThatDequantizationDrops() {
        float[] seven = java.util.Arrays.copyOf(HAND, 7);
        Nf4Tensor t = Nf4Tensor.quantize(seven, new long[] {7}, plain(64));
        assertEquals(4, t.packed().length);
        assertEquals((byte) 0x80, t.packed()[3]); // code 8 high, padding code 0 low
        assertEquals(7, t.dequantize().length);
        assertArrayEquals(java.util.Arrays.copyOf(HAND_CODES, 7), codes(t));
    }

    /*
     * Block size 4, ten values → blocks of 4, 4 and 2:
     *   [0.1, −0.4, 0.2, 0.3]  absmax 0.4 → scaled [0.25, −1, 0.5, 0.75] → 10 (0.2461), 0, 12, 14 (0.7230)
     *   [3, 0, −3, 1.5]        absmax 3   → [1, 0, −1, 0.5]             → 15, 7, 0, 12
     *   [−0.05, 0.01]          absmax 0.05 → [−1, 0.2]                 → 0, 9 (|0.2 − 0.1609| < |0.2 − 0.2461|)
     * Packed: 0xA0, 0xCE, 0xF7, 0x0C, 0x09.
     */
    @Test
    void multipleBlocksWithAShortLastBlock() {
        float[] w = {0.1f, -0.4f, 0.2f, 0.3f, 3f, 0f, -3f, 1.5f, -0.05f, 0.01f};
        Nf4Tensor t = Nf4Tensor.quantize(w, new long[] {2, 5}, plain(4));
        assertArrayEquals(new int[] {10, 0, 12, 14, 15, 7, 0, 12, 0, 9}, codes(t));
        assertArrayEquals(new byte[] {(byte) 0xA0, (byte) 0xCE, (byte) 0xF7, 0x0C, 0x09}, t.packed());
        assertArrayEquals(new float[] {0.4f, 3f, 0.05f}, t.absmax());
        float[] deq = t.dequantize();
        assertEquals(NF4[9] * 0.05f, deq[9], 0f);
        assertEquals(NF4[14] * 0.4f, deq[3], 0f);
    }

    @Test
    void valueOnAMidpointTakesTheLowerCode() {
        // absmax 1 and x = c8/2 (exact in float32): bitsandbytes' "x > midpoint" test sends it to code 7.
        float mid = NF4[8] / 2;
        Nf4Tensor t = Nf4Tensor.quantize(new float[] {1f, mid, Math.nextUp(mid), -1f}, new long[] {4}, plain(64));
        assertArrayEquals(new int[] {15, 7, 8, 0}, codes(t));
    }

    @Test
    void allZeroBlockStaysZero() {
        Nf4Tensor t = Nf4Tensor.quantize(new float[] {0, 0, 0, 0, 1, -1}, new long[] {6}, plain(4));
        assertArrayEquals(new int[] {7, 7, 7, 7, 15, 0}, codes(t));
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, -1}, t.dequantize());
    }

    @Test
    void gaussianWeightsMatchBruteForceNearestCodeAndStayWithinHalfAGap() {
        Random r = new Random(42);
        int n = 300 * 97; // not a multiple of 64: last block has 20 elements
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (0.02 * r.nextGaussian());
        }
        Nf4Tensor t = Nf4Tensor.quantize(w, new long[] {300, 97}, plain(64));
        float[] absmax = t.absmax();
        assertEquals((n + 63) / 64, absmax.length);
        float maxHalfGap = 0;
        for (int k = 0; k < 15; k++) {
            maxHalfGap = Math.max(maxHalfGap, (NF4[k + 1] - NF4[k]) / 2);
        }
        // the widest gap is the bottom one (the code has only 7 negative values): −1 … −0.6962
        assertEquals((1.0 - 0.6961928009986877) / 2, maxHalfGap, 1e-7);
        float[] deq = t.dequantize();
        double sq = 0;
        for (int i = 0; i < n; i++) {
            int block = i / 64;
            float expectedAbsmax = 0;
            for (int j = block * 64; j < Math.min(n, block * 64 + 64); j++) {
                expectedAbsmax = Math.max(expectedAbsmax, Math.abs(w[j]));
            }
            assertEquals(expectedAbsmax, absmax[block], 0f);
            // brute-force nearest code of the scaled value
            float x = Math.max(-1f, Math.min(1f, w[i] * (1f / expectedAbsmax)));
            int best = 0;
            for (int k = 1; k < 16; k++) {
                if (Math.abs(x - NF4[k]) < Math.abs(x - NF4[best])) {
                    best = k;
                }
            }
            assertEquals(best, t.code(i), "element " + i);
            double err = Math.abs(w[i] - deq[i]);
            assertTrue(err <= expectedAbsmax * maxHalfGap * (1 + 1e-6), "element " + i + " error " + err);
            sq += err * err;
        }
        double rmse = Math.sqrt(sq / n);
        // NF4 with blocks of 64 reaches about 0.1 σ on Gaussian data (4 bits of a ~2.5σ range).
        assertTrue(rmse < 0.11 * 0.02, "rmse " + rmse);
        assertTrue(rmse > 0.05 * 0.02, "rmse " + rmse + " suspiciously small for 4 bits");
    }

    @Test
    void doubleQuantizationRoundTripIsWithinTheDynamicMapResolution() {
        Random r = new Random(3);
        int rows = 1000; // 1000 blocks of 64 → nested blocks of 256, 256, 256, 232
        float[] w = new float[rows * 64];
        for (int row = 0; row < rows; row++) {
            double sigma = 0.01 + 0.05 * r.nextDouble();
            for (int j = 0; j < 64; j++) {
                w[row * 64 + j] = (float) (sigma * r.nextGaussian());
            }
        }
        Nf4Tensor plainT = Nf4Tensor.quantize(w, new long[] {rows, 64}, plain(64));
        Nf4Tensor dq = Nf4Tensor.quantize(w, new long[] {rows, 64}, Nf4Options.defaults());
        assertArrayEquals(plainT.packed(), dq.packed(), "double quantization changes only the scales");
        Nf4Scales.DoubleQuantized s = assertInstanceOf(Nf4Scales.DoubleQuantized.class, dq.scales());
        float[] absmax = plainT.absmax();
        double mean = 0;
        for (float a : absmax) {
            mean += a;
        }
        mean /= absmax.length;
        assertEquals(mean, s.offset(), 1e-7 * mean);
        assertEquals(4, s.absmax2().length);
        assertEquals(256, s.nestedBlockSize());

        float[] dyn = DynamicMap.values();
        float maxHalfGap = 0;
        for (int k = 0; k < 255; k++) {
            maxHalfGap = Math.max(maxHalfGap, (dyn[k + 1] - dyn[k]) / 2);
        }
        assertEquals(0.0140625 / 2, maxHalfGap, 1e-6); // top decade step 0.9/64, halved
        float[] decoded = dq.absmax();
        for (int i = 0; i < absmax.length; i++) {
            int j = i / 256;
            float c = absmax[i] - s.offset();
            float expectedAbsmax2 = 0;
            for (int k = j * 256; k < Math.min(absmax.length, j * 256 + 256); k++) {
                expectedAbsmax2 = Math.max(expectedAbsmax2, Math.abs(absmax[k] - s.offset()));
            }
            assertEquals(expectedAbsmax2, s.absmax2()[j], 0f);
            float x = c * (1f / expectedAbsmax2);
            int best = 0;
            for (int k = 1; k < 256; k++) {
                if (Math.abs(x - dyn[k]) < Math.abs(x - dyn[best])) {
                    best = k;
                }
            }
            assertEquals(best, s.qAbsmax()[i] & 0xFF, "absmax " + i);
            assertEquals(dyn[best] * expectedAbsmax2 + s.offset(), decoded[i], 0f);
            float bound = expectedAbsmax2 * maxHalfGap + 2 * Math.ulp(absmax[i]);
            assertTrue(Math.abs(decoded[i] - absmax[i]) <= bound,
                    "absmax " + i + ": " + decoded[i] + " vs " + absmax[i] + " bound " + bound);
        }
        float[] deq = dq.dequantize();
        for (int i = 0; i < w.length; i++) {
            assertEquals(NF4[dq.code(i)] * decoded[i / 64], deq[i], 0f);
        }
    }

    @Test
    void singleBlockDoubleQuantizationRestoresTheAbsmaxExactly() {
        Nf4Tensor t = Nf4Tensor.quantize(HAND.clone(), new long[] {8}, Nf4Options.defaults());
        Nf4Scales.DoubleQuantized s = (Nf4Scales.DoubleQuantized) t.scales();
        assertEquals(1f, s.offset());
        assertArrayEquals(new float[] {0f}, s.absmax2());
        assertEquals(DynamicMap.ZERO_INDEX, s.qAbsmax()[0] & 0xFF);
        assertArrayEquals(new float[] {1f}, t.absmax());
    }

    @Test
    void bitsPerParameterOfA4096SquareLayer() {
        int n = 4096 * 4096;
        float[] w = new float[n];
        Random r = new Random(1);
        for (int i = 0; i < n; i++) {
            w[i] = (float) r.nextGaussian();
        }
        Nf4Tensor dq = Nf4Tensor.quantize(w, 4096, 4096);
        // 4 bits + 8/64 (codes) + 32/(64·256) (nested absmax) + 32/n (offset) = 4.1269531 + ~1.5e-6
        assertEquals(n / 2 + n / 64 + 4 * (n / 64 / 256) + 4, dq.storageBytes());
        double bits = dq.bitsPerParameter();
        assertTrue(bits > 4.12 && bits < 4.13, "bits/param " + bits);
        Nf4Tensor plainT = Nf4Tensor.quantize(w, new long[] {4096, 4096}, plain(64));
        assertEquals(4.5, plainT.bitsPerParameter(), 0.0);
        assertTrue(dq.isDoubleQuantized());
        assertFalse(plainT.isDoubleQuantized());
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Nf4Tensor.quantize(new float[] {1, Float.NaN, 2}, 3));
        assertTrue(e.getMessage().contains("flat index 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Nf4Tensor.quantize(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Nf4Options.builder().optBlockSize(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> new Nf4Tensor(new long[] {4}, 64, new byte[3], new Nf4Scales.Plain(new float[1])));
    }
}
