package org.finetune4j.peft.qlora;

import java.util.Arrays;

/**
 * A weight stored in 4-bit NormalFloat, laid out exactly as bitsandbytes stores it.
 *
 * <p>The tensor is flattened row-major (a Linear weight is {@code [out, in]}) and cut into blocks of
 * {@code blockSize} elements, the last one possibly shorter. Element i has the 4-bit code
 * {@code q[i]} and dequantizes to {@code NF4[q[i]] · absmax[i / blockSize]} (one float32 product).
 * Two codes share a byte, the <b>first element in the high nibble</b>:
 * {@code packed[j] = q[2j] << 4 | q[2j+1]}; for an odd element count the final low nibble is padding
 * (code 0, as bitsandbytes pads with zero bits) and is ignored on dequantization.
 *
 * <p>The arrays are held as given, not copied (they can be hundreds of megabytes); treat them as
 * immutable.
 *
 * @param shape     dimensions, outermost first; the element count must be at least 1
 * @param blockSize elements per absmax block
 * @param packed    {@code [(n + 1) / 2]} packed codes
 * @param scales    the per-block absmax, plain or double-quantized
 */
public record Nf4Tensor(long[] shape, int blockSize, byte[] packed, Nf4Scales scales) {

    public Nf4Tensor {
        if (shape == null || packed == null || scales == null) {
            throw new IllegalArgumentException("NF4 tensor needs shape, packed codes and scales");
        }
        shape = shape.clone();
        long n = numel(shape);
        if (n < 1) {
            throw new IllegalArgumentException("NF4 tensor of shape " + Arrays.toString(shape) + " has no elements");
        }
        if (blockSize <= 0) {
            throw new IllegalArgumentException("NF4 blockSize must be positive, got " + blockSize);
        }
        if (packed.length != (n + 1) / 2) {
            throw new IllegalArgumentException("NF4 tensor of shape " + Arrays.toString(shape) + " needs "
                    + (n + 1) / 2 + " packed bytes but has " + packed.length);
        }
        long blocks = (n + blockSize - 1) / blockSize;
        if (scales.blockCount() != blocks) {
            throw new IllegalArgumentException("NF4 tensor of shape " + Arrays.toString(shape) + " in blocks of "
                    + blockSize + " needs " + blocks + " absmax values but has " + scales.blockCount());
        }
    }

    /** Quantizes a row-major float32 weight; see {@link Nf4Quantizer}. */
    public static Nf4Tensor quantize(float[] w, long[] shape, Nf4Options options) {
        return new Nf4Quantizer(options).quantize(w, shape);
    }

    /** Quantizes with the QLoRA defaults (blocks of 64, double quantization). */
    public static Nf4Tensor quantize(float[] w, long... shape) {
        return quantize(w, shape, Nf4Options.defaults());
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public long numel() {
        return numel(shape);
    }

    /** Whether the absmax values are double-quantized. */
    public boolean isDoubleQuantized() {
        return scales instanceof Nf4Scales.DoubleQuantized;
    }

    /** The 4-bit code (0..15) of flat element i. */
    public int code(long i) {
        int b = packed[(int) (i >>> 1)] & 0xFF;
        return (i & 1) == 0 ? b >>> 4 : b & 0x0F;
    }

    /** The float32 absmax of every block (decoded when double-quantized). */
    public float[] absmax() {
        return scales.absmax();
    }

    /** The float32 weight, row-major, in a new array. */
    public float[] dequantize() {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("NF4 tensor of shape " + Arrays.toString(shape)
                    + " is too large for one Java array");
        }
        float[] out = new float[(int) n];
        dequantizeInto(out);
        return out;
    }

    /**
     * Dequantizes into {@code out}, which must hold at least {@link #numel()} values; lets a caller
     * reuse one buffer across layers.
     */
    public void dequantizeInto(float[] out) {
        long nl = numel();
        if (out.length < nl) {
            throw new IllegalArgumentException("output buffer holds " + out.length + " floats but the NF4 tensor of shape "
                    + Arrays.toString(shape) + " has " + nl);
        }
        int n = (int) nl;
        float[] absmax = scales.absmax();
        float[] code = Nf4CodeBook.values();
        int i = 0;
        for (int block = 0; block < absmax.length; block++) {
            float scale = absmax[block];
            int end = Math.min(n, i + blockSize);
            for (; i < end; i++) {
                int b = packed[i >>> 1] & 0xFF;
                int q = (i & 1) == 0 ? b >>> 4 : b & 0x0F;
                out[i] = code[q] * scale;
            }
        }
    }

    /** Bytes of packed codes plus scales; the shared 16- and 256-entry code books are not counted. */
    public long storageBytes() {
        return packed.length + scales.storageBytes();
    }

    /** Average storage per parameter in bits: 4.5 with plain absmax, ≈4.127 with double quantization. */
    public double bitsPerParameter() {
        return storageBytes() * 8.0 / numel();
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in NF4 shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Nf4Tensor t && Arrays.equals(t.shape, shape) && t.blockSize == blockSize
                && Arrays.equals(t.packed, packed) && t.scales.equals(scales);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Arrays.hashCode(shape) + blockSize) + Arrays.hashCode(packed)) + scales.hashCode();
    }

    @Override
    public String toString() {
        return "Nf4Tensor[shape=" + Arrays.toString(shape) + ", blockSize=" + blockSize + ", " + scales + "]";
    }
}
