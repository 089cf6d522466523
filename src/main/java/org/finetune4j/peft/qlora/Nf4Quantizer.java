package org.finetune4j.peft.qlora;

import java.util.Arrays;

/**
 * Quantizes float32 weights to NF4 the way bitsandbytes' {@code quantize_4bit(quant_type="nf4")} does.
 *
 * <ol>
 *   <li>Flatten row-major; cut into blocks of {@code blockSize} (the last block may be shorter).</li>
 *   <li>Per block {@code absmax = max|x|} (float32); each x becomes
 *       {@code clamp(x · (1/absmax), −1, 1)} — multiplication by the float32 reciprocal, as both the
 *       CUDA kernel and the PyTorch backend do — and then the nearest NF4 code
 *       ({@link Nf4CodeBook#nearestCode}: a value on a midpoint takes the lower code).</li>
 *   <li>Pack two codes per byte, first element in the high nibble; an odd count leaves a zero low
 *       nibble (code 0) in the last byte, as bitsandbytes' zero padding does.</li>
 *   <li>With double quantization: {@code offset = mean(absmax)} (summed in double, rounded to float32;
 *       torch sums in float32, so the last bit may differ), {@code c = absmax − offset}, blocks of
 *       {@code nestedBlockSize}, {@code absmax2 = max|c|}, {@code q = nearest DynamicMap index of
 *       clamp(c · (1/absmax2), −1, 1)}.</li>
 * </ol>
 *
 * <p>An all-zero block (absmax 0) gets code 7 (exact 0) for every element; bitsandbytes computes
 * 0·(1/0) = NaN there and ends at code 0, which also dequantizes to (−)0. Likewise a nested block whose
 * centred absmax values are all 0 (for example a tensor with a single block) stores absmax2 = 0 and
 * the zero index. Non-finite weights are rejected.
 */
public final class Nf4Quantizer {
    private final Nf4Options options;

    public Nf4Quantizer(Nf4Options options) {
        if (options == null) {
            throw new IllegalArgumentException("NF4 options are null");
        }
        this.options = options;
    }

    public Nf4Options options() {
        return options;
    }

    /**
     * Quantizes a row-major weight.
     *
     * @param w     values, {@code numel(shape)} of them
     * @param shape dimensions, e.g. {@code [out, in]} for a Linear weight
     * @throws IllegalArgumentException if the length does not match the shape or a value is NaN/infinite
     */
    public Nf4Tensor quantize(float[] w, long[] shape) {
        if (w == null || shape == null) {
            throw new IllegalArgumentException("NF4 quantize needs values and a shape");
        }
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (n != w.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + n
                    + " elements but " + w.length + " values were given");
        }
        if (n == 0) {
            throw new IllegalArgumentException("cannot quantize an empty tensor of shape " + Arrays.toString(shape));
        }
        int blockSize = options.blockSize();
        int blocks = (int) ((n + blockSize - 1) / blockSize);
        float[] absmax = new float[blocks];
        byte[] packed = new byte[(w.length + 1) / 2];
        for (int block = 0; block < blocks; block++) {
            int start = block * blockSize;
            int end = Math.min(w.length, start + blockSize);
            float max = 0f;
            for (int i = start; i < end; i++) {
                float x = w[i];
                if (!Float.isFinite(x)) {
                    throw new IllegalArgumentException("cannot quantize non-finite value " + x + " at flat index " + i
                            + " of tensor " + Arrays.toString(shape));
                }
                max = Math.max(max, Math.abs(x));
            }
            absmax[block] = max;
            float inverse = 1f / max;
            for (int i = start; i < end; i++) {
                int q = max == 0f ? Nf4CodeBook.ZERO_INDEX : Nf4CodeBook.nearestCode(clamp(w[i] * inverse));
                int j = i >>> 1;
                packed[j] = (i & 1) == 0 ? (byte) (q << 4) : (byte) (packed[j] | q);
            }
        }
        Nf4Scales scales = options.doubleQuant()
                ? doubleQuantize(absmax, options.nestedBlockSize())
                : new Nf4Scales.Plain(absmax);
        return new Nf4Tensor(shape, blockSize, packed, scales);
    }

    /** Quantizes absmax values to 8 bits with the {@link DynamicMap} (bitsandbytes' compress_statistics). */
    public static Nf4Scales.DoubleQuantized doubleQuantize(float[] absmax, int nestedBlockSize) {
        if (absmax.length == 0) {
            throw new IllegalArgumentException("no absmax values to double-quantize");
        }
        double sum = 0;
        for (float a : absmax) {
            sum += a;
        }
        float offset = (float) (sum / absmax.length);
        int blocks = (absmax.length + nestedBlockSize - 1) / nestedBlockSize;
        float[] absmax2 = new float[blocks];
        byte[] q = new byte[absmax.length];
        for (int block = 0; block < blocks; block++) {
            int start = block * nestedBlockSize;
            int end = Math.min(absmax.length, start + nestedBlockSize);
            float max = 0f;
            for (int i = start; i < end; i++) {
                max = Math.max(max, Math.abs(absmax[i] - offset));
            }
            absmax2[block] = max;
            float inverse = 1f / max;
            for (int i = start; i < end; i++) {
                int index = max == 0f ? DynamicMap.ZERO_INDEX
                        : DynamicMap.nearestIndex(clamp((absmax[i] - offset) * inverse));
                q[i] = (byte) index;
            }
        }
        return new Nf4Scales.DoubleQuantized(q, absmax2, offset, nestedBlockSize);
    }

    private static float clamp(float x) {
        return Math.max(-1f, Math.min(1f, x));
    }
}
