package org.finetune4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;

/** The engine's dense matrix-multiply rate, measured in the same run as a benchmark, as its yardstick. */
public final class MatmulRate {
    private MatmulRate() {}

    /**
     * Best of {@code repeats} (n×n)·(n×n) products in the policy's compute dtype (float32 on the CPU), in
     * GFLOP/s: the yardstick is the matmul the model itself runs.
     */
    public static double gflops(DevicePolicy policy, int n, int repeats) {
        try (NDManager m = Djl.engine().newBaseManager(policy.device())) {
            DataType type = policy.computeType();
            NDArray a = m.randomUniform(-1, 1, new Shape(n, n), DataType.FLOAT32).toType(type, false);
            NDArray b = m.randomUniform(-1, 1, new Shape(n, n), DataType.FLOAT32).toType(type, false);
            a.matMul(b).close(); // warm-up
            double best = Double.MAX_VALUE;
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                NDArray c = a.matMul(b);
                c.get(0, 0).toType(DataType.FLOAT32, false).getFloat(); // forces completion on asynchronous devices
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                c.close();
            }
            return 2.0 * n * n * n / best / 1e9;
        }
    }
}
