package org.finetune4j.peft.qlora;

/**
 * The standard normal distribution in double precision: {@code erf}, {@code erfc}, the CDF Φ and its
 * inverse Φ⁻¹.
 *
 * <p>Java's {@code Math} has no error function, and the NF4 code book is defined through Φ⁻¹
 * (scipy's {@code norm.ppf}), so the construction needs a precise one. {@code erf} uses the
 * power series {@code erf(x) = 2/√π · e^(−x²) · Σ 2ᵏ x^(2k+1) / (2k+1)!!}, which has only positive
 * terms (no cancellation) and converges fast for |x| &lt; 3; {@code erfc} for x ≥ 3 uses the Laplace
 * continued fraction evaluated with the modified Lentz method (erfc for x ≥ 1), which keeps full
 * relative precision in the tail. Φ⁻¹ starts from Acklam's rational approximation (relative error 1.15e-9) and applies two
 * Halley steps on Φ, which brings it to double precision.
 */
public final class NormalDistribution {
    private static final double SQRT_PI = Math.sqrt(Math.PI);
    private static final double SQRT_2 = Math.sqrt(2.0);
    private static final double SQRT_2PI = Math.sqrt(2.0 * Math.PI);
    /** Below this |x| erf uses the series; above it 1 − erfc. */
    private static final double SERIES_LIMIT = 3.0;
    /** From this x on erfc uses the continued fraction (it converges in a few hundred terms at 1). */
    private static final double FRACTION_LIMIT = 1.0;

    private NormalDistribution() {}

    /** The error function {@code erf(x) = 2/√π ∫₀ˣ e^(−t²) dt}. */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        double ax = Math.abs(x);
        double r = ax < SERIES_LIMIT ? erfSeries(ax) : 1.0 - erfcContinuedFraction(ax);
        return x < 0 ? -r : r;
    }

    /** The complementary error function {@code erfc(x) = 1 − erf(x)}, precise in the upper tail. */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x >= FRACTION_LIMIT) {
            return erfcContinuedFraction(x);
        }
        if (x <= -FRACTION_LIMIT) {
            return 2.0 - erfcContinuedFraction(-x);
        }
        return 1.0 - erf(x);
    }

    /** Standard normal CDF Φ(x) = ½·erfc(−x/√2). */
    public static double cdf(double x) {
        return 0.5 * erfc(-x / SQRT_2);
    }

    /** Standard normal density φ(x). */
    public static double pdf(double x) {
        return Math.exp(-0.5 * x * x) / SQRT_2PI;
    }

    /**
     * Inverse standard normal CDF Φ⁻¹(p) (scipy's {@code norm.ppf}).
     *
     * @throws IllegalArgumentException if p is not in [0, 1]
     */
    public static double inverseCdf(double p) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("probability must be in [0, 1], got " + p);
        }
        if (p == 0.0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (p == 1.0) {
            return Double.POSITIVE_INFINITY;
        }
        if (p == 0.5) {
            return 0.0;
        }
        double x = acklam(p);
        // Halley's method on f(x) = Φ(x) − p: f' = φ, f'' = −x·φ, so x ← x − u / (1 + x·u/2), u = f/φ.
        for (int i = 0; i < 2; i++) {
            // In the upper half Φ(x) − p is evaluated as (1 − p) − Φ(−x) (1 − p is exact there) to avoid
            // cancellation against a value close to 1.
            double e = p < 0.5 ? cdf(x) - p : (1.0 - p) - cdf(-x);
            double u = e / pdf(x);
            x = x - u / (1.0 + 0.5 * x * u);
        }
        return x;
    }

    private static double erfSeries(double x) {
        // term_k = 2^k x^(2k+1) / (2k+1)!!, term_{k+1} = term_k · 2x² / (2k+3)
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int k = 0; k < 200; k++) {
            term *= 2.0 * x2 / (2 * k + 3);
            double next = sum + term;
            if (next == sum) {
                break;
            }
            sum = next;
        }
        return 2.0 / SQRT_PI * Math.exp(-x2) * sum;
    }

    /** erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), x &gt; 0. */
    private static double erfcContinuedFraction(double x) {
        final double tiny = 1e-300;
        // b0 = x, a_k = k/2, b_k = x (modified Lentz)
        double f = x;
        double c = x;
        double d = 0.0;
        for (int k = 1; k < 100_000; k++) {
            double a = 0.5 * k;
            d = x + a * d;
            if (d == 0) {
                d = tiny;
            }
            c = x + a / c;
            if (c == 0) {
                c = tiny;
            }
            d = 1.0 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1.0) < 1e-16) {
                break;
            }
        }
        return Math.exp(-x * x) / SQRT_PI / f;
    }

    /** Peter Acklam's rational approximation to Φ⁻¹ (relative error below 1.15e-9). */
    private static double acklam(double p) {
        final double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
            1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        final double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
            6.680131188771972e+01, -1.328068155288572e+01};
        final double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
            -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        final double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
            3.754408661907416e+00};
        final double low = 0.02425;
        if (p < low) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low) {
            double q = Math.sqrt(-2 * Math.log1p(-p));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
}
