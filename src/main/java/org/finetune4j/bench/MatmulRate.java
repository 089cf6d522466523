package org.finetune4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.model.kernels.FusedOps;
import org.finetune4j.model.kernels.MatmulPrecision;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;

/**
 * The engine's dense matrix-multiply rate, measured in the same run as a benchmark, as its yardstick: the square
 * 2048³ product (a CPU's or GPU's near-peak rate) and the mix of the model's own projection shapes, whose smaller
 * inner and outer dimensions run slower on most BLAS libraries. The first bounds what any implementation of the
 * model could reach; the second tells the step's non-matmul overhead from the matmuls' own shape penalty.
 */
public final class MatmulRate {
    private MatmulRate() {}

    /** One (m×k)·(k×n) product of a model's forward pass, {@code count} times per token batch. */
    public record ProductShape(String name, int m, int k, int n, int count) {
        /** FLOPs of all {@code count} products (a multiply-add counts 2). */
        public double flops() {
            return 2.0 * m * k * n * count;
        }
    }

    /**
     * Best of {@code repeats} (n×n)·(n×n) products in the policy's compute dtype (float32 on the CPU), in
     * GFLOP/s.
     */
    public static double gflops(DevicePolicy policy, int n, int repeats) {
        return gflops(policy, n, n, n, repeats);
    }

    /** Best of {@code repeats} (m×k)·(k×n) products in the policy's compute dtype, in GFLOP/s. */
    public static double gflops(DevicePolicy policy, int m, int k, int n, int repeats) {
        return 2.0 * m * k * n / bestSeconds(policy, m, k, n, repeats) / 1e9;
    }

    /**
     * The projections of a forward pass over {@code tokens} rows (B·T): per layer q, k, v, o, gate, up and down,
     * and the LM head, as the model runs them (activations times transposed weights).
     */
    public static List<ProductShape> modelProducts(LlamaConfig c, int tokens) {
        int d = c.hiddenSize();
        int q = c.numAttentionHeads() * c.headDim();
        int kv = c.numKeyValueHeads() * c.headDim();
        int ffn = c.intermediateSize();
        int layers = c.numHiddenLayers();
        return List.of(new ProductShape("q_proj", tokens, d, q, layers),
                new ProductShape("k_proj+v_proj", tokens, d, kv, 2 * layers),
                new ProductShape("o_proj", tokens, q, d, layers),
                new ProductShape("gate_proj+up_proj", tokens, d, ffn, 2 * layers),
                new ProductShape("down_proj", tokens, ffn, d, layers),
                new ProductShape("lm_head", tokens, d, c.vocabSize(), 1));
    }

    /**
     * The rate of the model's own product mix ({@link #modelProducts}): their total FLOPs over the sum of each
     * shape's best time, in GFLOP/s.
     */
    public static double modelShapeGflops(DevicePolicy policy, LlamaConfig c, int tokens, int repeats) {
        double flops = 0;
        double seconds = 0;
        for (ProductShape p : modelProducts(c, tokens)) {
            flops += p.flops();
            seconds += p.count() * bestSeconds(policy, p.m(), p.k(), p.n(), repeats);
        }
        return flops / seconds / 1e9;
    }

    /**
     * Best of {@code repeats} (m×k)·(k×n) products through the model's linear op ({@link FusedOps#linear}) in the
     * {@link MatmulPrecision} chosen now, in GFLOP/s: with {@code bf16}, the rate the model's bfloat16 products
     * reach, the operands' casts included.
     */
    public static double linearGflops(DevicePolicy policy, int m, int k, int n, int repeats) {
        return 2.0 * m * k * n / bestSeconds(policy, m, k, n, repeats, true) / 1e9;
    }

    private static double bestSeconds(DevicePolicy policy, int m, int k, int n, int repeats) {
        return bestSeconds(policy, m, k, n, repeats, false);
    }

    private static double bestSeconds(DevicePolicy policy, int m, int k, int n, int repeats, boolean asLinear) {
        try (NDManager mgr = Djl.engine().newBaseManager(policy.device())) {
            DataType type = policy.computeType();
            NDArray a = mgr.randomUniform(-1, 1, new Shape(m, k), DataType.FLOAT32).toType(type, false);
            // a weight is stored (out, in) and multiplied transposed, as Linear does: a view, no copy
            NDArray w = mgr.randomUniform(-1, 1, new Shape(n, k), DataType.FLOAT32).toType(type, false);
            NDArray b = w.transpose();
            (asLinear ? FusedOps.linear(a, w, null) : a.matMul(b)).close(); // warm-up
            double best = Double.MAX_VALUE;
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                NDArray out = asLinear ? FusedOps.linear(a, w, null) : a.matMul(b);
                out.get(0, 0).toType(DataType.FLOAT32, false).getFloat(); // forces completion on asynchronous devices
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                out.close();
            }
            return best;
        }
    }
}
