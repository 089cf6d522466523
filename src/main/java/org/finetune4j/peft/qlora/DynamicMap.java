package org.finetune4j.peft.qlora;

import java.util.Arrays;

/**
 * bitsandbytes' signed dynamic 8-bit map, {@code create_dynamic_map(signed=True, max_exponent_bits=7,
 * total_bits=8)}, used by double quantization to store the per-block absmax values in one byte.
 *
 * <p>Definition (all float32, as bitsandbytes computes it with torch): for each decade i = 0..6,
 * take the 2^i midpoints {@code (b[k] + b[k+1]) / 2} of {@code b = linspace(0.1, 1, 2^i + 1)}, multiply
 * them by the float32 scale {@code 10^(i−6)}, and add them and their negatives (2·127 = 254 values);
 * add 0 and 1.0; sort ascending. The result has 256 values in [−0.99296875, 1]: index 127 is 0 and
 * index 255 is 1.0. The map is dense near 0 (1e-7 resolution in the smallest decade) and coarse near
 * ±1 (steps of 0.0140625), which suits absmax deviations that are mostly small.
 *
 * <p>The linspace reproduces libtorch's CPU result bit for bit ({@link Float32#linspace}, fused
 * multiply-add), and the test compares the whole map with one computed by libtorch itself. A map
 * written on a machine whose libtorch kernel does not fuse could differ in the last bit of a few
 * entries, which is why readers of stored maps compare with a small tolerance.
 */
public final class DynamicMap {
    /** Number of entries (8 bits). */
    public static final int SIZE = 256;
    /** Index of the exact 0. */
    public static final int ZERO_INDEX = 127;

    /** Float32 decade scales 10^(i−6), i = 0..6, as Python's {@code 10 ** (i - 6)} cast to float32. */
    private static final double[] DECADES = {1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0};

    private static final float[] VALUES = create();

    private DynamicMap() {}

    /** The 256 ascending values; a fresh copy. */
    public static float[] values() {
        return VALUES.clone();
    }

    /** One value, index 0..255. */
    public static float value(int index) {
        return VALUES[index];
    }

    /**
     * The index of the value nearest to {@code x} (float32 distances; on an exact tie the lower index,
     * like {@code torch.argmin}). Values outside [−1, 1] map to the ends.
     */
    public static int nearestIndex(float x) {
        if (Float.isNaN(x)) {
            throw new IllegalArgumentException("cannot quantize NaN with the dynamic map");
        }
        int pos = Arrays.binarySearch(VALUES, x);
        if (pos >= 0) {
            // An exact hit; step down over equal values (none exist, but keep the argmin rule).
            while (pos > 0 && VALUES[pos - 1] == x) {
                pos--;
            }
            return pos;
        }
        int upper = -pos - 1; // first value > x
        if (upper == 0) {
            return 0;
        }
        if (upper == SIZE) {
            return SIZE - 1;
        }
        int lower = upper - 1;
        float dLower = Math.abs(x - VALUES[lower]);
        float dUpper = Math.abs(x - VALUES[upper]);
        return dUpper < dLower ? upper : lower;
    }

    private static float[] create() {
        float[] data = new float[SIZE];
        int n = 0;
        for (int i = 0; i < DECADES.length; i++) {
            float scale = (float) DECADES[i];
            float[] b = Float32.linspace(0.1f, 1.0f, (1 << i) + 1);
            for (int k = 0; k + 1 < b.length; k++) {
                float mean = (b[k] + b[k + 1]) / 2.0f;
                data[n++] = scale * mean;
                data[n++] = -scale * mean;
            }
        }
        data[n++] = 0f;
        data[n++] = 1.0f;
        if (n != SIZE) {
            throw new AssertionError("dynamic map has " + n + " values");
        }
        Arrays.sort(data);
        return data;
    }
}
