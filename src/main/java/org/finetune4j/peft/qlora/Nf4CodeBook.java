package org.finetune4j.peft.qlora;

import java.util.Arrays;

/**
 * The 16 values of the 4-bit NormalFloat (NF4) data type of QLoRA, and the nearest-code rule.
 *
 * <p>{@link #VALUES} is the table bitsandbytes ships ({@code get_4bit_type("nf4")}); it is what
 * quantization and dequantization use, so stored checkpoints stay bit-compatible.
 * {@link #createNormalMap(double)} rebuilds it from its definition (quantiles of the standard normal,
 * {@code create_normal_map(offset=0.9677083)}) so the table is not a magic list.
 *
 * <p><b>Nearest code and ties.</b> bitsandbytes' CUDA kernel ({@code dQuantizeNF4}) walks a binary
 * tree of the 15 midpoints between neighbouring codes and goes to the upper code only when
 * {@code x > midpoint}; a value exactly on a midpoint therefore gets the <em>lower</em> code, which
 * is also what {@code torch.argmin} (first minimum) gives in its pure-PyTorch backend. The midpoints
 * are computed in double from the float32 codes and rounded to float32, like the kernel's literals.
 */
public final class Nf4CodeBook {
    /** Number of codes (4 bits). */
    public static final int SIZE = 16;

    /** Index of the exact zero code. */
    public static final int ZERO_INDEX = 7;

    /** The offset bitsandbytes uses in {@code create_normal_map}: the largest quantile probability. */
    public static final double DEFAULT_OFFSET = 0.9677083;

    private static final float[] VALUES = {
        -1.0f,
        -0.6961928009986877f,
        -0.5250730514526367f,
        -0.39491748809814453f,
        -0.28444138169288635f,
        -0.18477343022823334f,
        -0.09105003625154495f,
        0.0f,
        0.07958029955625534f,
        0.16093020141124725f,
        0.24611230194568634f,
        0.33791524171829224f,
        0.44070982933044434f,
        0.5626170039176941f,
        0.7229568362236023f,
        1.0f,
    };

    /** MIDPOINTS[k] lies between VALUES[k] and VALUES[k+1]. */
    private static final float[] MIDPOINTS = new float[SIZE - 1];

    static {
        for (int k = 0; k < SIZE - 1; k++) {
            MIDPOINTS[k] = (float) (((double) VALUES[k] + (double) VALUES[k + 1]) / 2.0);
        }
    }

    private Nf4CodeBook() {}

    /** The published NF4 table, ascending (index → value); a fresh copy. */
    public static float[] values() {
        return VALUES.clone();
    }

    /** The value of one code, 0..15. */
    public static float value(int code) {
        return VALUES[code];
    }

    /** The 15 float32 decision thresholds between neighbouring codes; a fresh copy. */
    public static float[] midpoints() {
        return MIDPOINTS.clone();
    }

    /**
     * The code whose value is nearest to {@code x}, where x is already scaled to [−1, 1]. A value on a
     * midpoint gets the lower code (see class comment). NaN maps to code 0, as in bitsandbytes' tree.
     */
    public static int nearestCode(float x) {
        int lo = 0;
        int hi = SIZE - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (x > MIDPOINTS[mid]) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Builds the NF4 code book from its definition, the way bitsandbytes' {@code create_normal_map} does:
     * 8 positive values Φ⁻¹ of the first 8 points of {@code linspace(offset, 0.5, 9)}, 7 negative values
     * −Φ⁻¹ of the first 7 points of {@code linspace(offset, 0.5, 8)}, and an exact 0, all rounded to
     * float32, sorted and divided (in float32) by the largest. The linspace points are float32, computed
     * with libtorch's formula, because the probabilities bitsandbytes feeds to {@code norm.ppf} are.
     *
     * @param offset the largest probability, in (0.5, 1)
     * @return 16 ascending values from −1 to 1
     */
    public static float[] createNormalMap(double offset) {
        if (!(offset > 0.5 && offset < 1.0)) {
            throw new IllegalArgumentException("offset must be in (0.5, 1), got " + offset);
        }
        float[] positive = Float32.linspace((float) offset, 0.5f, 9);
        float[] negative = Float32.linspace((float) offset, 0.5f, 8);
        float[] v = new float[SIZE];
        int n = 0;
        for (int i = 0; i < 8; i++) {
            v[n++] = (float) NormalDistribution.inverseCdf(positive[i]);
        }
        for (int i = 0; i < 7; i++) {
            v[n++] = (float) -NormalDistribution.inverseCdf(negative[i]);
        }
        v[n] = 0f;
        Arrays.sort(v);
        float max = v[SIZE - 1];
        for (int i = 0; i < SIZE; i++) {
            v[i] = v[i] / max;
        }
        return v;
    }
}
