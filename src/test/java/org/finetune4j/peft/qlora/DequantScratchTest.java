package org.finetune4j.peft.qlora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;

class DequantScratchTest {

    private static Nf4Tensor gaussian(int rows, int cols, Nf4Options options, long seed) {
        Random r = new Random(seed);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (0.03 * r.nextGaussian());
        }
        return Nf4Tensor.quantize(w, new long[] {rows, cols}, options);
    }

    /** Engine weights equal the Java dequantisation exactly, and reusing the buffers leaves earlier weights intact. */
    @Test
    void engineWeightEqualsJavaDequantizationExactly() {
        Nf4Tensor dq = gaussian(1376, 512, Nf4Options.defaults(), 1);
        Nf4Tensor odd = gaussian(7, 13, Nf4Options.builder().optDoubleQuant(false).build(), 2);
        DequantScratch scratch = new DequantScratch(1376 * 512); // larger than needed for the second tensor
        try (NDManager m = Djl.engine().newBaseManager()) {
            NDArray a = scratch.dequantize(m, dq);
            assertEquals(new Shape(1376, 512), a.getShape());
            assertEquals(DataType.FLOAT32, a.getDataType());
            assertArrayEquals(dq.dequantize(), a.toFloatArray());

            NDArray b = scratch.dequantize(m, odd);
            assertEquals(new Shape(7, 13), b.getShape());
            assertArrayEquals(odd.dequantize(), b.toFloatArray());
            assertArrayEquals(dq.dequantize(), a.toFloatArray(), "the first weight owns its storage");
        }
    }

    @Test
    void tensorLargerThanTheScratchIsRejected() {
        Nf4Tensor t = gaussian(4, 64, Nf4Options.defaults(), 4);
        try (NDManager m = Djl.engine().newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new DequantScratch(255).dequantize(m, t));
            assertTrue(e.getMessage().contains("[4, 64]"), e.getMessage());
        }
    }

    @Test
    void dequantizedWeightIsAConstantUnderGradientRecording() {
        Nf4Tensor t = gaussian(4, 64, Nf4Options.defaults(), 3);
        DequantScratch scratch = new DequantScratch(4 * 64);
        try (NDManager m = Djl.engine().newBaseManager()) {
            NDArray x = m.ones(new Shape(2, 64));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                NDArray w = scratch.dequantize(m, t);
                assertFalse(w.hasGradient());
                NDArray y = x.matMul(w.transpose()).sum(); // (2, 64) x (64, 4)
                gc.backward(y);
            }
            assertGradientIsColumnSums(t, x.getGradient().toFloatArray());
        }
    }

    /** d(sum(x Wᵀ))/dx for x (2, 64) and the (4, 64) weight {@code t}: the column sums of W, in both rows. */
    static void assertGradientIsColumnSums(Nf4Tensor t, float[] grad) {
        float[] w = t.dequantize();
        for (int j = 0; j < 64; j++) {
            float expected = 0;
            for (int o = 0; o < 4; o++) {
                expected += w[o * 64 + j];
            }
            assertEquals(expected, grad[j], 1e-6f);
            assertEquals(expected, grad[64 + j], 1e-6f);
        }
    }
}
