package org.finetune4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.finetune4j.io.HostTensor;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;

class AdamWTest {
    static final double LR = 0.01;
    static final double WD = 0.1;
    static final double B1 = 0.8;
    static final double B2 = 0.95;
    static final double EPS = 1e-3;

    static final float[] W0 = {0.5f, -1.0f, 0.25f, 2.0f, -0.75f, 0.1f};
    static final float[] B0 = {0.3f, -0.2f, 1.5f};
    static final float[][] GW = {{0.1f, -0.2f, 0.3f, -0.4f, 0.05f, 0f}, {-0.3f, 0.1f, 0.2f, 0.1f, -0.05f, 0.7f},
        {0.02f, 0.02f, -0.5f, 0.3f, 0.3f, -0.1f}};
    static final float[][] GB = {{1f, -0.5f, 0.01f}, {0.5f, 0.5f, -0.02f}, {-1f, 0.25f, 0.03f}};

    static Map<String, Parameter> params(NDManager m) {
        Map<String, Parameter> p = new LinkedHashMap<>();
        p.put("w", param(m, "w", W0, new Shape(2, 3)));
        p.put("b", param(m, "b", B0, new Shape(3)));
        NDArray frozen = m.create(new float[] {9f, 9f});
        p.put("frozen", Parameter.builder().setName("frozen").setType(Parameter.Type.WEIGHT).optArray(frozen).build());
        p.get("frozen").freeze(true);
        return p;
    }

    static Parameter param(NDManager m, String name, float[] v, Shape s) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optArray(m.create(v, s)).build();
        p.freeze(false);
        return p;
    }

    /** torch.optim.AdamW in double: decay on the 2-D tensor only. */
    static double[] reference(float[] p0, float[][] grads, int steps, boolean decay) {
        double[] p = new double[p0.length];
        double[] m = new double[p0.length];
        double[] v = new double[p0.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = p0[i];
        }
        for (int t = 1; t <= steps; t++) {
            for (int i = 0; i < p.length; i++) {
                double g = grads[t - 1][i];
                if (decay) {
                    p[i] -= LR * WD * p[i];
                }
                m[i] = B1 * m[i] + (1 - B1) * g;
                v[i] = B2 * v[i] + (1 - B2) * g * g;
                double mHat = m[i] / (1 - Math.pow(B1, t));
                double vHat = v[i] / (1 - Math.pow(B2, t));
                p[i] -= LR * mHat / (Math.sqrt(vHat) + EPS);
            }
        }
        return p;
    }

    static AdamW adam(Map<String, Parameter> p) {
        return AdamW.builder().setParameters(p).optBetas(B1, B2).optEps(EPS).optWeightDecay(WD).build();
    }

    static void step(NDManager m, AdamW opt, int t) {
        try (NDManager s = m.newSubManager()) {
            Map<String, NDArray> g = new HashMap<>();
            g.put("w", s.create(GW[t], new Shape(2, 3)));
            g.put("b", s.create(GB[t], new Shape(3)));
            opt.update(LR, g);
        }
    }

    static void assertClose(double[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 2e-6 * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    @Test
    void matchesHandComputedAdamWAndSkipsDecayOfOneDimensionalAndFrozenTensors() {
        try (NDManager m = Djl.engine().newBaseManager()) {
            Map<String, Parameter> p = params(m);
            try (AdamW opt = adam(p)) {
                assertEquals(Map.of("w", p.get("w"), "b", p.get("b")), opt.parameters());
                assertEquals(2L * 4 * (6 + 3), opt.stateBytes());
                for (int t = 0; t < 3; t++) {
                    step(m, opt, t);
                }
                assertEquals(3, opt.stepCount());
                assertClose(reference(W0, GW, 3, true), p.get("w").getArray().toFloatArray());
                assertClose(reference(B0, GB, 3, false), p.get("b").getArray().toFloatArray());
                assertArrayEquals(new float[] {9f, 9f}, p.get("frozen").getArray().toFloatArray());
            }
        }
    }

    @Test
    void decaysOneDimensionalTensorsWhenAsked() {
        try (NDManager m = Djl.engine().newBaseManager()) {
            Map<String, Parameter> p = params(m);
            try (AdamW opt = AdamW.builder().setParameters(p).optBetas(B1, B2).optEps(EPS).optWeightDecay(WD)
                    .optDecayOneDimensional(true).build()) {
                step(m, opt, 0);
                assertClose(reference(B0, GB, 1, true), p.get("b").getArray().toFloatArray());
            }
        }
    }

    @Test
    void stateDictRoundTripContinuesExactly() {
        try (NDManager m = Djl.engine().newBaseManager()) {
            Map<String, Parameter> a = params(m);
            Map<String, Parameter> b = params(m);
            try (AdamW first = adam(a); AdamW second = adam(b)) {
                step(m, first, 0);
                step(m, first, 1);
                Map<String, HostTensor> state = first.stateDict();
                assertEquals(java.util.Set.of("exp_avg.w", "exp_avg.b", "exp_avg_sq.w", "exp_avg_sq.b", "step"),
                        state.keySet());
                // copy the weights, load the state, and both must take the same third step
                b.get("w").getArray().set(a.get("w").getArray().toFloatArray());
                b.get("b").getArray().set(a.get("b").getArray().toFloatArray());
                second.loadStateDict(state);
                assertEquals(2, second.stepCount());
                step(m, first, 2);
                step(m, second, 2);
                assertArrayEquals(a.get("w").getArray().toFloatArray(), b.get("w").getArray().toFloatArray());
                assertClose(reference(W0, GW, 3, true), b.get("w").getArray().toFloatArray());
            }
        }
    }

    @Test
    void loadStateDictNamesTheMissingTensor() {
        try (NDManager m = Djl.engine().newBaseManager()) {
            try (AdamW opt = adam(params(m))) {
                Map<String, HostTensor> state = new HashMap<>(opt.stateDict());
                state.remove("exp_avg_sq.b");
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(state));
                assertTrue(e.getMessage().contains("exp_avg_sq.b"), e.getMessage());
            }
        }
    }
}
