package org.finetune4j.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;

/** The additive mask in float16: a fully hidden row (a padding query) must softmax to finite numbers. */
class HalfMaskTest {

    @Test
    void aFullyHiddenHalfRowStaysFiniteAfterNegativeScores() {
        try (NDManager m = Djl.engine().newBaseManager()) {
            // query 0 is padding (sees no key), query 1 sees itself
            NDArray mask = LlamaForCausalLM.buildMask(m, new int[][] {{-1, 0}}, 1, 2, 0, 0); // (1, 1, 2, 2)
            NDArray half = LlamaForCausalLM.inHalf(mask, DataType.FLOAT16, m);
            assertEquals(DataType.FLOAT16, half.getDataType());
            NDArray scores = m.create(new float[] {-300f, -200f, -1000f, -5000f}, new Shape(1, 1, 2, 2))
                    .toType(DataType.FLOAT16, false);
            NDArray probs = scores.add(half).softmax(3).toType(DataType.FLOAT32, false);
            for (float p : probs.toFloatArray()) {
                assertTrue(Float.isFinite(p), "softmax of the masked half scores: " + probs);
            }
            // a plain cast of the float32 mask is what the clamp avoids: −Float.MAX_VALUE becomes −∞
            NDArray cast = mask.toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false);
            boolean infinite = false;
            for (float v : cast.toFloatArray()) {
                infinite |= Float.isInfinite(v);
            }
            assertTrue(infinite, "the float32 mask must hide with a value beyond float16's range");
        }
    }
}
