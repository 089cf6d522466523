package org.finetune4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;

class EmbeddingTest {
    static final int V = 50;
    static final int D = 16;
    static final int T = 25;

    /** Embeddings of two rows of T ids, with noise drawn after seeding libtorch's generator with {@code seed}. */
    static float[] embed(Embedding e, NDManager m, long seed) {
        long[] ids = new long[2 * T];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (i * 7L) % V;
        }
        Engine.getInstance().setRandomSeed((int) seed);
        try (NDManager step = m.newSubManager()) {
            return e.forward(step.create(ids, new Shape(2, T))).toFloatArray();
        }
    }

    @Test
    void neftuneNoiseIsUniformWithinAlphaOverRootTDAndSeeded() {
        try (NDManager m = Djl.engine().newBaseManager()) {
            Embedding e = new Embedding(m.randomNormal(0, 1, new Shape(V, D), DataType.FLOAT32), false);
            float[] clean = embed(e, m, 1);
            e.setNoiseAlpha(5);
            float[] noisy = embed(e, m, 1);
            double bound = 5 / Math.sqrt((double) T * D); // 0.25
            double maxAbs = 0;
            double sum = 0;
            for (int i = 0; i < clean.length; i++) {
                double d = noisy[i] - clean[i];
                maxAbs = Math.max(maxAbs, Math.abs(d));
                sum += d;
            }
            assertTrue(maxAbs <= bound * (1 + 1e-5), "noise " + maxAbs + " over the bound " + bound);
            assertTrue(maxAbs > 0.9 * bound, "800 uniform draws should come near the bound: " + maxAbs);
            assertEquals(0, sum / clean.length, 0.05 * bound, "uniform noise has mean 0");
            assertArrayEquals(noisy, embed(e, m, 1), "the same seed draws the same noise");
            assertFalse(Arrays.equals(noisy, embed(e, m, 2)), "another seed draws other noise");
            e.setNoiseAlpha(0);
            assertArrayEquals(clean, embed(e, m, 3), "alpha 0 is the plain lookup");
        }
    }

    @Test
    void aNegativeOrInfiniteAlphaIsRefused() {
        try (NDManager m = Djl.engine().newBaseManager()) {
            Embedding e = new Embedding(m.zeros(new Shape(V, D)), false);
            assertThrows(IllegalArgumentException.class, () -> e.setNoiseAlpha(-1));
            assertThrows(IllegalArgumentException.class, () -> e.setNoiseAlpha(Double.NaN));
            assertThrows(IllegalArgumentException.class, () -> e.setNoiseAlpha(Double.POSITIVE_INFINITY));
        }
    }
}
