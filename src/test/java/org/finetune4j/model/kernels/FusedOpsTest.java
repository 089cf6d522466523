package org.finetune4j.model.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;

/**
 * Each fused kernel against the same maths spelled with plain NDArray ops in this test: outputs and the
 * gradients of every input must agree to 1e-5 relative (max |diff| / max |reference|).
 */
class FusedOpsTest {
    private static final double TOLERANCE = 1e-5;
    private static final float HIDDEN = -Float.MAX_VALUE; // the model's additive value for hidden keys

    @Test
    void attentionWithPackedRowsPaddingAndSharedKeysMatchesSoftmaxReference() {
        // row 0: two packed samples; row 1: a shared (-2) prompt, one sample, then padding (-1)
        int[][] labels = {
                {0, 0, 0, 0, 1, 1, 1, 1, 1, 1},
                {-2, -2, -2, 5, 5, 5, 5, -1, -1, -1}};
        checkAttention(4, 4, 8, labels, DataType.FLOAT32, 11);
    }

    @Test
    void groupedQueryAttentionMatchesReference() {
        int[][] labels = {{0, 0, 0, 1, 1, 1, 1, 1, 2}, {-1, -1, 3, 3, 3, 3, 3, 3, 3}};
        checkAttention(6, 2, 8, labels, DataType.FLOAT32, 12);
    }

    @Test
    void attentionInFloat64MatchesReference() {
        int[][] labels = {{0, 0, 1, 1, 1, 1, -1}};
        checkAttention(2, 2, 4, labels, DataType.FLOAT64, 13);
    }

    @Test
    void swiGluMatchesSigmoidSpelling() {
        try (NDManager m = Djl.engine().newBaseManager()) {
            Random r = new Random(21);
            NDArray g = random(m, r, new Shape(2, 5, 12), DataType.FLOAT32, 3);
            NDArray u = random(m, r, new Shape(2, 5, 12), DataType.FLOAT32, 1);
            assertMatches("swiglu", List.of(g, u), x -> FusedOps.swiGlu(x.get(0), x.get(1)),
                    x -> x.get(0).mul(x.get(0).getNDArrayInternal().sigmoid()).mul(x.get(1)), r);
        }
    }

    @Test
    void rmsNormMatchesMeanSquareSpelling() {
        for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
            try (NDManager m = Djl.engine().newBaseManager()) {
                Random r = new Random(31);
                NDArray x = random(m, r, new Shape(3, 4, 16), type, 2);
                NDArray w = random(m, r, new Shape(16), type, 1);
                NDArray eps = m.full(new Shape(), 1e-5f, type);
                assertMatches("rms_norm " + type, List.of(x, w), a -> FusedOps.rmsNorm(a.get(0), a.get(1), eps),
                        a -> a.get(0).div(a.get(0).square().mean(new int[] {-1}, true).add(eps).sqrt()).mul(a.get(1)),
                        r);
            }
        }
    }

    @Test
    void bf16LinearRoundsItsOperandsAndItsProductToBfloat16() {
        String old = System.getProperty(MatmulPrecision.PROPERTY);
        try (NDManager m = Djl.engine().newBaseManager()) {
            Random r = new Random(41);
            int in = 32;
            int out = 24;
            NDArray x = random(m, r, new Shape(3, 5, in), DataType.FLOAT32, 1);
            NDArray w = random(m, r, new Shape(out, in), DataType.FLOAT32, 1);
            NDArray bias = random(m, r, new Shape(out), DataType.FLOAT32, 1);
            Function<NDList, NDArray> linear = a -> FusedOps.linear(a.get(0), a.get(1), bias);
            MatmulPrecision.FP32.use();
            NDArray plain = x.getNDArrayInternal().linear(x, w, bias).singletonOrThrow();
            assertArrayEquals(plain.toFloatArray(), FusedOps.linear(x, w, bias).toFloatArray(), "fp32: torch's op");
            NDArray[] fp32 = run(List.of(x, w), linear, m.ones(plain.getShape()));

            MatmulPrecision.BF16.use();
            NDArray mixed = FusedOps.linear(x, w, bias);
            assertEquals(DataType.FLOAT32, mixed.getDataType());
            float[] xs = x.toFloatArray();
            float[] ws = w.toFloatArray();
            float[] bs = bias.toFloatArray();
            float[] got = mixed.toFloatArray();
            double maxFromPlain = 0;
            float[] exact = plain.toFloatArray();
            for (int n = 0; n < 15; n++) {
                for (int o = 0; o < out; o++) {
                    double sum = 0; // products of bfloat16 numbers are exact in double
                    for (int k = 0; k < in; k++) {
                        sum += (double) bf16(xs[n * in + k]) * bf16(ws[o * in + k]);
                    }
                    // libtorch accumulates in float32 in another order: allow one bfloat16 step of the product
                    double ulp = Math.ulp((float) sum) * 65536;
                    double expected = bf16((float) sum) + bs[o];
                    assertEquals(expected, got[n * out + o], ulp + 1e-6, "y[" + n + "," + o + "]");
                    maxFromPlain = Math.max(maxFromPlain, Math.abs(got[n * out + o] - exact[n * out + o]));
                }
            }
            assertTrue(maxFromPlain > 1e-4, "bf16 should differ from float32, max diff " + maxFromPlain);
            // autograd runs through the casts: float32 gradients for both operands, within bfloat16 error
            NDArray[] bf16 = run(List.of(x, w), linear, m.ones(plain.getShape()));
            for (int i = 1; i <= 2; i++) {
                assertEquals(DataType.FLOAT32, bf16[i].getDataType());
                Deviation d = Deviation.between("gradient " + i, fp32[i].toType(DataType.FLOAT64, false)
                        .toDoubleArray(), bf16[i].toType(DataType.FLOAT64, false).toDoubleArray());
                assertTrue(d.maxDiff() > 0 && d.maxDiff() <= 0x1p-6 * d.maxAbs(), "gradient of input " + (i - 1)
                        + ": max diff " + d.maxDiff() + " against max " + d.maxAbs());
            }
            // float64 operands keep the plain op
            NDArray x64 = x.toType(DataType.FLOAT64, false);
            NDArray w64 = w.toType(DataType.FLOAT64, false);
            assertArrayEquals(x64.getNDArrayInternal().linear(x64, w64, null).singletonOrThrow().toDoubleArray(),
                    FusedOps.linear(x64, w64, null).toDoubleArray());
        } finally {
            restore(MatmulPrecision.PROPERTY, old);
        }
        System.setProperty(MatmulPrecision.PROPERTY, "fp16");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, MatmulPrecision::current);
            assertTrue(e.getMessage().contains("'fp16'"), e.getMessage());
        } finally {
            restore(MatmulPrecision.PROPERTY, old);
        }
    }

    /** {@code f} rounded to the nearest bfloat16 (ties to even), as libtorch casts. */
    private static float bf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        bits += 0x7FFF + ((bits >> 16) & 1);
        return Float.intBitsToFloat(bits & 0xFFFF0000);
    }

    @Test
    void propertySelectsKernels() {
        assertEquals(EnumSet.allOf(FusedKernel.class), FusedOps.parse(null));
        assertEquals(EnumSet.allOf(FusedKernel.class), FusedOps.parse("true"));
        assertEquals(EnumSet.noneOf(FusedKernel.class), FusedOps.parse("FALSE"));
        assertEquals(EnumSet.of(FusedKernel.SWIGLU, FusedKernel.RMS_NORM), FusedOps.parse("swiglu, RMS_NORM"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FusedOps.parse("sdpa"));
        assertTrue(e.getMessage().contains("'sdpa'"), e.getMessage());
    }

    @Test
    void switchTurnsKernelsOffForOtherDtypesAndByProperty() {
        String old = System.getProperty(FusedOps.PROPERTY);
        try {
            System.clearProperty(FusedOps.PROPERTY);
            assertTrue(FusedOps.isActive(FusedKernel.ATTENTION, DataType.FLOAT32), "fused ops should load here");
            assertFalse(FusedOps.isActive(FusedKernel.ATTENTION, DataType.FLOAT16));
            System.setProperty(FusedOps.PROPERTY, "false");
            assertFalse(FusedOps.isActive(FusedKernel.ATTENTION, DataType.FLOAT32));
            System.setProperty(FusedOps.PROPERTY, "SWIGLU");
            assertTrue(FusedOps.isActive(FusedKernel.SWIGLU, DataType.FLOAT32));
            assertFalse(FusedOps.isActive(FusedKernel.RMS_NORM, DataType.FLOAT32));
        } finally {
            restore(FusedOps.PROPERTY, old);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Puts a system property back as it was ({@code old} null: unset). */
    private static void restore(String key, String old) {
        if (old == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, old);
        }
    }

    private static void checkAttention(int heads, int kvHeads, int d, int[][] labels, DataType type, long seed) {
        int b = labels.length;
        int t = labels[0].length;
        try (NDManager m = Djl.engine().newBaseManager()) {
            Random r = new Random(seed);
            NDArray q = random(m, r, new Shape(b, heads, t, d), type, 1);
            NDArray k = random(m, r, new Shape(b, kvHeads, t, d), type, 1);
            NDArray v = random(m, r, new Shape(b, kvHeads, t, d), type, 1);
            NDArray mask = m.create(additiveMask(labels), new Shape(b, 1, t, t));
            int groups = heads / kvHeads;
            double scale = 1.0 / Math.sqrt(d);
            Function<NDList, NDArray> reference = x -> {
                NDArray kk = repeatHeads(x.get(1), groups); // (B, H, T, d)
                NDArray vv = repeatHeads(x.get(2), groups);
                NDArray scores = x.get(0).matMul(kk.transpose(0, 1, 3, 2))
                        .mul(m.full(new Shape(), (float) scale, type)).add(mask.toType(type, false)); // (B, H, T, T)
                return scores.softmax(3).matMul(vv);
            };
            String what = "attention H=" + heads + " H_kv=" + kvHeads + " " + type;
            // Forward over every row, padding included: a query that sees no key averages all values in both.
            NDArray fusedOut = FusedOps.attention(q, k, v, mask);
            assertClose(what + " output incl. padding rows", reference.apply(new NDList(q, k, v)), fusedOut);
            // Gradients with no upstream gradient on padding queries, as in training, where padding positions
            // carry no loss: through a row that sees no key the flash backward and the eager softmax backward
            // differ (the row's probabilities are exactly uniform only in the eager recomputation).
            NDArray keep = m.create(realQueries(labels), new Shape(b, 1, t, 1));
            assertMatches(what, List.of(q, k, v), x -> FusedOps.attention(x.get(0), x.get(1), x.get(2), mask),
                    reference, r, keep);
        }
    }

    /** 1 for a query that is not padding (-1), else 0, as (B·T) floats. */
    private static float[] realQueries(int[][] labels) {
        int t = labels[0].length;
        float[] out = new float[labels.length * t];
        for (int r = 0; r < labels.length; r++) {
            for (int i = 0; i < t; i++) {
                out[r * t + i] = labels[r][i] == -1 ? 0f : 1f;
            }
        }
        return out;
    }

    /** (B, H_kv, T, d) -> (B, H_kv·groups, T, d), each KV head repeated for its group of query heads. */
    private static NDArray repeatHeads(NDArray kv, int groups) {
        if (groups == 1) {
            return kv;
        }
        Shape s = kv.getShape();
        return kv.expandDims(2).broadcast(new Shape(s.get(0), s.get(1), groups, s.get(2), s.get(3)))
                .reshape(s.get(0), s.get(1) * groups, s.get(2), s.get(3));
    }

    /**
     * The additive mask from per-position labels, written from the rule in ForwardInput's javadoc: query i
     * sees key j ≤ i when both carry the same sample label or the key is shared (-2); padding (-1) sees
     * nothing.
     */
    private static float[] additiveMask(int[][] labels) {
        int b = labels.length;
        int t = labels[0].length;
        float[] out = new float[b * t * t];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    int qi = labels[r][i];
                    int kj = labels[r][j];
                    boolean visible = qi != -1 && j <= i && (qi == kj || kj == -2);
                    out[(r * t + i) * t + j] = visible ? 0f : HIDDEN;
                }
            }
        }
        return out;
    }

    /**
     * Runs both functions on fresh leaf copies of the inputs, backpropagates {@code sum(y ⊙ R)} for one
     * random R, and compares the outputs and every input's gradient.
     */
    private static void assertMatches(String what, List<NDArray> inputs, Function<NDList, NDArray> fused,
            Function<NDList, NDArray> reference, Random r) {
        assertMatches(what, inputs, fused, reference, r, null);
    }

    /** As above, with the random R multiplied by {@code keep} (broadcast), which zeroes some outputs' gradients. */
    private static void assertMatches(String what, List<NDArray> inputs, Function<NDList, NDArray> fused,
            Function<NDList, NDArray> reference, Random r, NDArray keep) {
        NDArray firstInput = inputs.get(0);
        NDManager m = firstInput.getManager();
        NDArray[] fusedRun = run(inputs, fused, null);
        NDArray weights = random(m, r, fusedRun[0].getShape(), firstInput.getDataType(), 1);
        if (keep != null) {
            weights = weights.mul(keep.toType(weights.getDataType(), false));
        }
        fusedRun = run(inputs, fused, weights);
        NDArray[] referenceRun = run(inputs, reference, weights);
        assertEquals(referenceRun[0].getShape(), fusedRun[0].getShape(), what + ": output shape");
        assertClose(what + " output", referenceRun[0], fusedRun[0]);
        for (int i = 1; i < fusedRun.length; i++) {
            assertClose(what + " gradient of input " + (i - 1), referenceRun[i], fusedRun[i]);
        }
    }

    /** {@code [y, grad input 0, grad input 1, …]}; gradients only when {@code weights} is given. */
    private static NDArray[] run(List<NDArray> inputs, Function<NDList, NDArray> f, NDArray weights) {
        NDList leaves = new NDList();
        for (NDArray a : inputs) {
            NDArray leaf = a.duplicate();
            leaf.setRequiresGradient(weights != null);
            leaves.add(leaf);
        }
        NDArray[] out = new NDArray[inputs.size() + 1];
        if (weights == null) {
            out[0] = f.apply(leaves);
            return out;
        }
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = f.apply(leaves);
            gc.backward(y.mul(weights).sum());
            out[0] = y;
        }
        for (int i = 0; i < leaves.size(); i++) {
            out[i + 1] = leaves.get(i).getGradient();
        }
        return out;
    }

    private static void assertClose(String what, NDArray expected, NDArray actual) {
        Deviation d = Deviation.between(what, expected.toType(DataType.FLOAT64, false).toDoubleArray(),
                actual.toType(DataType.FLOAT64, false).toDoubleArray());
        assertTrue(d.maxAbs() > 1e-3, what + " should be non-trivial, max |reference| = " + d.maxAbs());
        assertTrue(d.maxDiff() <= TOLERANCE * d.maxAbs(), what + ": max |fused - reference| = " + d.maxDiff()
                + " against max |reference| = " + d.maxAbs());
    }

    private static NDArray random(NDManager m, Random r, Shape shape, DataType type, double std) {
        double[] v = new double[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian() * std;
        }
        return m.create(v, shape).toType(type, false);
    }
}
