package org.finetune4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class DjlTest {
    @Test
    void pytorchEngineLoadsOfflineAndComputes() {
        assertEquals("PyTorch", Djl.engine().getEngineName());
        assertEquals("true", System.getProperty("ai.djl.offline"));
        try (NDManager m = Djl.engine().newBaseManager()) {
            // [[1,2],[3,4]] x its transpose = [[5,11],[11,25]], whose sum is 52.
            NDArray a = m.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
            assertEquals(52f, a.matMul(a.transpose()).sum().getFloat(), 1e-6);
        }
    }
}
