package org.finetune4j.model.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How far {@code actual} strays from {@code expected}: the largest absolute difference and the largest absolute
 * reference value (so a test can also demand a non-trivial reference). Fails on a length mismatch or a non-finite
 * actual value, naming {@code what}.
 */
record Deviation(double maxDiff, double maxAbs) {

    static Deviation between(String what, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, what + ": size");
        double maxDiff = 0;
        double maxAbs = 0;
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Double.isFinite(actual[i]), what + ": element " + i + " is " + actual[i]);
            maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
            maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
        }
        return new Deviation(maxDiff, maxAbs);
    }

    static Deviation between(String what, float[] expected, float[] actual) {
        return between(what, widen(expected), widen(actual));
    }

    private static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
