package org.finetune4j.peft.qlora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NormalDistributionTest {

    // Reference values from Abramowitz & Stegun tables / standard statistical tables (17 digits where known).
    @Test
    void erfMatchesTabulatedValues() {
        assertEquals(0.0, NormalDistribution.erf(0.0), 0.0);
        assertEquals(0.5204998778130465, NormalDistribution.erf(0.5), 1e-15);
        assertEquals(0.8427007929497149, NormalDistribution.erf(1.0), 1e-15);
        assertEquals(0.9953222650189527, NormalDistribution.erf(2.0), 1e-15);
        assertEquals(-0.8427007929497149, NormalDistribution.erf(-1.0), 1e-15);
        assertEquals(0.9999779095030014, NormalDistribution.erf(3.0), 1e-15);
    }

    @Test
    void erfcKeepsRelativePrecisionInTheTail() {
        assertEquals(2.209049699858544e-05, NormalDistribution.erfc(3.0), 1e-13 * 2.2e-5);
        assertEquals(1.5374597944280349e-12, NormalDistribution.erfc(5.0), 1e-12 * 1.5e-12);
        assertEquals(1.0, NormalDistribution.erfc(0.0), 0.0);
        assertEquals(2.0 - 2.209049699858544e-05, NormalDistribution.erfc(-3.0), 1e-15);
    }

    @Test
    void erfcIsContinuousWhereTheMethodChanges() {
        for (double x : new double[] {1.0, 3.0}) {
            double below = NormalDistribution.erfc(Math.nextDown(x));
            double above = NormalDistribution.erfc(x);
            assertEquals(above, below, 1e-13 * above, "at " + x);
            assertEquals(1.0 - NormalDistribution.erf(x), above, 5e-16, "erf + erfc = 1 at " + x);
        }
        assertEquals(0.15729920705028513, NormalDistribution.erfc(1.0), 4e-16);
    }

    @Test
    void cdfKnownQuantiles() {
        assertEquals(0.5, NormalDistribution.cdf(0.0), 0.0);
        assertEquals(0.8413447460685429, NormalDistribution.cdf(1.0), 1e-15);
        assertEquals(0.9750021048517795, NormalDistribution.cdf(1.96), 1e-15);
        assertEquals(0.022750131948179195, NormalDistribution.cdf(-2.0), 1e-16);
    }

    @Test
    void inverseCdfKnownQuantilesAndRoundTrip() {
        assertEquals(1.959963984540054, NormalDistribution.inverseCdf(0.975), 1e-14);
        assertEquals(-1.959963984540054, NormalDistribution.inverseCdf(0.025), 1e-14);
        assertEquals(2.3263478740408408, NormalDistribution.inverseCdf(0.99), 1e-14);
        assertEquals(-3.090232306167813, NormalDistribution.inverseCdf(0.001), 1e-13);
        assertEquals(0.0, NormalDistribution.inverseCdf(0.5), 0.0);
        for (double p = 0.001; p < 1; p += 0.0137) {
            double x = NormalDistribution.inverseCdf(p);
            assertEquals(p, NormalDistribution.cdf(x), 2e-16 + 1e-15 * p, "p=" + p);
            assertEquals(-x, NormalDistribution.inverseCdf(1 - p), 1e-13, "symmetry at p=" + p);
        }
    }

    @Test
    void inverseCdfRejectsProbabilitiesOutsideTheUnitInterval() {
        assertThrows(IllegalArgumentException.class, () -> NormalDistribution.inverseCdf(1.5));
        assertThrows(IllegalArgumentException.class, () -> NormalDistribution.inverseCdf(Double.NaN));
        assertEquals(Double.POSITIVE_INFINITY, NormalDistribution.inverseCdf(1.0));
    }
}
