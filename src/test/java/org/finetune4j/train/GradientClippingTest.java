package org.finetune4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;

class GradientClippingTest {

    static double javaNorm(List<NDArray> arrays) {
        double s = 0;
        for (NDArray a : arrays) {
            for (float f : a.toFloatArray()) {
                s += (double) f * f;
            }
        }
        return Math.sqrt(s);
    }

    @Test
    void clipsToTheGlobalNormKeepingDirection() {
        try (NDManager m = Djl.engine().newBaseManager()) {
            List<NDArray> g = List.of(m.create(new float[] {3f, 4f}), m.create(new float[][] {{12f}, {0f}}));
            double norm = GradientClipping.globalNorm(g);
            assertEquals(13.0, norm, 1e-6); // √(9 + 16 + 144)
            double coef = GradientClipping.clip(g, norm, 6.5);
            assertEquals(6.5 / (13 + 1e-6), coef, 1e-12);
            double after = javaNorm(g);
            assertTrue(after <= 6.5, "norm after clipping " + after);
            assertEquals(6.5, after, 1e-5);
            assertEquals(1.5, g.get(0).toFloatArray()[0], 1e-6); // 3 · 6.5/13
            assertEquals(6.0, g.get(1).toFloatArray()[0], 1e-6);
        }
    }

    @Test
    void leavesSmallGradientsAndReportsNonFinite() {
        try (NDManager m = Djl.engine().newBaseManager()) {
            List<NDArray> g = List.of(m.create(new float[] {0.3f, 0.4f}));
            assertEquals(1.0, GradientClipping.clip(g, GradientClipping.globalNorm(g), 1.0));
            assertEquals(0.3f, g.get(0).toFloatArray()[0]);
            assertTrue(Double.isNaN(GradientClipping.globalNorm(List.of(m.create(new float[] {1f, Float.NaN})))));
            assertTrue(Double.isInfinite(GradientClipping.globalNorm(
                    List.of(m.create(new float[] {1f, Float.NEGATIVE_INFINITY})))));
        }
    }
}
