package org.finetune4j.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.data.TokenBatch;
import org.finetune4j.model.CausalLM;
import org.finetune4j.model.ModelResources;
import org.finetune4j.model.llama.ForwardInput;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.finetune4j.train.CausalLmLoss;

/** Tiny models, logits, losses, gradients and a hand-written Adam shared by the technique tests. */
public final class PeftTestSupport {
    public static final DevicePolicy F64 = new DevicePolicy(Device.cpu(), DataType.FLOAT64);
    public static final DevicePolicy F32 = DevicePolicy.cpu();

    private PeftTestSupport() {}

    /** Two layers, GQA (4 query heads, 2 KV heads of 8), hidden 32, vocab 61. */
    public static LlamaConfig tinyConfig() {
        return LlamaConfig.builder().setVocabSize(61).setHiddenSize(32).setIntermediateSize(48).setNumHiddenLayers(2)
                .setNumAttentionHeads(4).optNumKeyValueHeads(2).optMaxPositionEmbeddings(64).build();
    }

    /** A fresh base model with fixed random weights, owned by {@code root}. */
    public static LlamaForCausalLM base(NDManager root, DevicePolicy policy) {
        LlamaConfig c = tinyConfig();
        return LlamaForCausalLM.fromWeights(c, LlamaForCausalLM.randomWeights(c, 11, 0.3),
                ModelResources.create(root, policy));
    }

    public static NDManager root() {
        return Djl.engine().newBaseManager();
    }

    /** Two rows of length 7; the second ends with two pads (label -1, ignored targets). */
    public static TokenBatch batch() {
        long[][] ids = {{5, 17, 3, 44, 9, 9, 30}, {12, 1, 60, 7, 2, 0, 0}};
        long[][] labels = {ids[0].clone(), {12, 1, 60, 7, 2, TokenBatch.IGNORE, TokenBatch.IGNORE}};
        int[][] seg = {{0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, -1, -1}};
        long[][] pos = {{0, 1, 2, 3, 4, 5, 6}, {0, 1, 2, 3, 4, 0, 0}};
        return new TokenBatch(ids, labels, seg, pos);
    }

    public static ForwardInput input(NDManager step, TokenBatch b) {
        return ForwardInput.builder().setInputIds(ids(step, b.inputIds())).optSegments(b.segments())
                .optPositions(b.positions()).build();
    }

    public static NDArray ids(NDManager step, long[][] ids) {
        long[] flat = new long[ids.length * ids[0].length];
        for (int r = 0; r < ids.length; r++) {
            System.arraycopy(ids[r], 0, flat, r * ids[0].length, ids[0].length);
        }
        return step.create(flat, new Shape(ids.length, ids[0].length));
    }

    /** Logits of the batch, flattened (B·T·V), as doubles; also checks the (B, T, V) shape. */
    public static double[] logits(CausalLM model, TokenBatch b) {
        try (NDManager step = model.resources().newStepManager()) {
            NDArray out = model.forward(input(step, b));
            assertArrayEquals(new long[] {b.batchSize(), b.length(), model.config().vocabSize()},
                    out.getShape().getShape(), "logits shape");
            return out.toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    /** Logits of one unpadded row of ids (1·T·V), no cache. */
    public static double[] logits(CausalLM model, long[] ids) {
        try (NDManager step = model.resources().newStepManager()) {
            return model.forward(ForwardInput.of(ids(step, new long[][] {ids}))).toType(DataType.FLOAT64, false)
                    .toDoubleArray();
        }
    }

    /** The summed next-token loss of the batch. */
    public static double loss(CausalLM model, TokenBatch b) {
        try (NDManager step = model.resources().newStepManager()) {
            return CausalLmLoss.sum(model.forward(input(step, b)), b, step).toType(DataType.FLOAT64, false)
                    .getDouble();
        }
    }

    /** Runs forward and backward in a collector; returns the loss. Gradients are zeroed first. */
    public static double backward(PeftModel model, TokenBatch b) {
        for (Parameter p : model.trainableParameters().values()) {
            JniUtils.zeroGrad((PtNDArray) p.getArray());
        }
        try (NDManager step = model.resources().newStepManager();
                GradientCollector gc = Djl.engine().newGradientCollector()) {
            NDArray loss = CausalLmLoss.sum(model.forward(input(step, b)), b, step);
            gc.backward(loss);
            return loss.toType(DataType.FLOAT64, false).getDouble();
        }
    }

    public static double[] gradient(Parameter p) {
        try (NDArray g = p.getArray().getGradient()) {
            return g.toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    public static double[] values(Parameter p) {
        return p.getArray().toType(DataType.FLOAT64, false).toDoubleArray();
    }

    /** Overwrites a parameter in place (outside any graph). */
    public static void set(Parameter p, double[] v) {
        JniUtils.setGradMode(false);
        NDArray a = p.getArray();
        try (NDManager tmp = a.getManager().newSubManager()) {
            a.set(new NDIndex("..."), tmp.create(v, a.getShape()).toType(a.getDataType(), false));
        }
    }

    /**
     * Compares d(loss)/d(p[i]) from autograd with a central difference (eps 1e-6) at the given flat
     * coordinates; float64 models only.
     */
    public static void checkGradient(PeftModel model, TokenBatch b, String name, int... coords) {
        Parameter p = model.trainableParameters().get(name);
        backward(model, b);
        double[] analytic = gradient(p);
        double[] v = values(p);
        double eps = 1e-6;
        double maxAbs = 0;
        for (int i : coords) {
            double[] plus = v.clone();
            plus[i] += eps;
            set(p, plus);
            double lp = loss(model, b);
            double[] minus = v.clone();
            minus[i] -= eps;
            set(p, minus);
            double lm = loss(model, b);
            set(p, v);
            double numeric = (lp - lm) / (2 * eps);
            double rel = Math.abs(numeric - analytic[i]) / Math.max(1e-6, Math.abs(numeric) + Math.abs(analytic[i]));
            assertTrue(rel < 1e-4, name + "[" + i + "]: autograd " + analytic[i] + " vs finite difference " + numeric
                    + " (loss " + lp + " / " + lm + ")");
            maxAbs = Math.max(maxAbs, Math.abs(analytic[i]));
        }
        assertTrue(maxAbs > 1e-6, name + ": every checked gradient is ~0, the check proves nothing");
    }

    /** Plain Adam (β 0.9/0.999, ε 1e-8) on the trainable parameters for a fixed batch; returns the losses. */
    public static double[] train(PeftModel model, TokenBatch b, int steps, double lr) {
        Map<String, double[]> m = new LinkedHashMap<>();
        Map<String, double[]> v = new LinkedHashMap<>();
        double[] losses = new double[steps];
        for (int s = 0; s < steps; s++) {
            losses[s] = backward(model, b);
            for (Map.Entry<String, Parameter> e : model.trainableParameters().entrySet()) {
                double[] g = gradient(e.getValue());
                double[] w = values(e.getValue());
                double[] m1 = m.computeIfAbsent(e.getKey(), k -> new double[g.length]);
                double[] v1 = v.computeIfAbsent(e.getKey(), k -> new double[g.length]);
                for (int i = 0; i < g.length; i++) {
                    m1[i] = 0.9 * m1[i] + 0.1 * g[i];
                    v1[i] = 0.999 * v1[i] + 0.001 * g[i] * g[i];
                    double mh = m1[i] / (1 - Math.pow(0.9, s + 1));
                    double vh = v1[i] / (1 - Math.pow(0.999, s + 1));
                    w[i] -= lr * mh / (Math.sqrt(vh) + 1e-8);
                }
                set(e.getValue(), w);
            }
        }
        return losses;
    }

    /** Every tensor's bytes, by name: the base's and the technique's own. */
    public static Map<String, byte[]> snapshot(PeftModel model) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        model.base().namedParameters().forEach((n, p) -> out.put(n, bytes(p)));
        model.trainableParameters().forEach((n, p) -> out.put(n, bytes(p)));
        return out;
    }

    private static byte[] bytes(Parameter p) {
        java.nio.ByteBuffer bb = p.getArray().toByteBuffer();
        byte[] a = new byte[bb.remaining()];
        bb.get(a);
        return a;
    }

    /** Greedy decoding by full recomputation of every step (no cache): the reference for generation. */
    public static long[] greedyByRecompute(CausalLM model, long[] prompt, int n) {
        List<Long> seq = new ArrayList<>();
        for (long t : prompt) {
            seq.add(t);
        }
        int vocab = model.config().vocabSize();
        long[] out = new long[n];
        for (int s = 0; s < n; s++) {
            long[] ids = seq.stream().mapToLong(Long::longValue).toArray();
            double[] l = logits(model, ids);
            int base = (ids.length - 1) * vocab;
            int best = 0;
            for (int k = 1; k < vocab; k++) {
                if (l[base + k] > l[base + best]) {
                    best = k;
                }
            }
            out[s] = best;
            seq.add((long) best);
        }
        return out;
    }

    public static double maxAbsDiff(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    /** Logits of the real (non-pad) positions only, since pad rows are meaningless. */
    public static double[] realPositions(double[] logits, TokenBatch b, int vocab) {
        List<Double> out = new ArrayList<>();
        for (int r = 0; r < b.batchSize(); r++) {
            for (int t = 0; t < b.length(); t++) {
                if (b.segments()[r][t] >= 0) {
                    int base = (r * b.length() + t) * vocab;
                    for (int k = 0; k < vocab; k++) {
                        out.add(logits[base + k]);
                    }
                }
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
