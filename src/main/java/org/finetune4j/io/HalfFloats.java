package org.finetune4j.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Conversions between float32 and the two 16-bit float formats of checkpoints, bfloat16 and IEEE binary16.
 *
 * <p>Narrowing rounds to nearest, ties to even, like PyTorch; NaN stays NaN (made quiet), overflow becomes
 * infinity. Java 17 has no {@code Float.floatToFloat16}, so binary16 (with its subnormals) is done here.
 * Bulk methods read and write little-endian buffers from their current position.
 */
public final class HalfFloats {
    private HalfFloats() {}

    // ---- bfloat16: the upper half of a float32 ----

    /** Exact: bfloat16 is a float32 with the low 16 mantissa bits dropped. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round to nearest even; NaN keeps its sign and becomes a quiet NaN. */
    public static short floatToBf16(float f) {
        int x = Float.floatToRawIntBits(f);
        if ((x & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((x >>> 16) | 0x0040);
        }
        int roundingBias = 0x7FFF + ((x >>> 16) & 1);
        // int addition wraps modulo 2^32 exactly like the 64-bit reference, and >>> 16 then agrees.
        return (short) ((x + roundingBias) >>> 16);
    }

    // ---- IEEE binary16: 1 sign, 5 exponent (bias 15), 10 mantissa bits ----

    /** Exact: every binary16 value, subnormals included, is a float32. */
    public static float f16ToFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) { // infinity or NaN (payload kept)
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) { // zero or subnormal: mantissa * 2^-24
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** Round to nearest even; beyond the largest finite value (65504) rounds to infinity; NaN stays quiet NaN. */
    public static short floatToF16(float f) {
        int x = Float.floatToRawIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        int abs = x & 0x7FFFFFFF;
        if (abs > 0x7F800000) { // NaN: keep the top payload bits, force quiet
            return (short) (sign | 0x7E00 | (abs >>> 13) & 0x3FF);
        }
        if (abs >= 0x477FF000) { // >= 65520, the midpoint between 65504 and 2^16: ties to even go to infinity
            return (short) (sign | 0x7C00);
        }
        if (abs >= 0x38800000) { // >= 2^-14: a normal binary16; re-bias the exponent by 127 - 15 = 112
            int rebased = abs - 0x38000000;
            int rounded = rebased + 0xFFF + ((rebased >>> 13) & 1); // carry into the exponent is correct
            return (short) (sign | (rounded >>> 13));
        }
        int exponent = abs >>> 23;
        if (exponent < 102) { // below 2^-25, half the smallest subnormal: rounds to zero
            return (short) sign;
        }
        // Subnormal: value = significand * 2^(exponent - 150), counted in units of 2^-24.
        int significand = (abs & 0x7FFFFF) | 0x800000;
        int shift = 126 - exponent; // 14..24
        int quotient = significand >>> shift;
        int remainder = significand & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (remainder > half || (remainder == half && (quotient & 1) == 1)) {
            quotient++; // may become 0x400, the smallest normal: still the right bits
        }
        return (short) (sign | quotient);
    }

    // ---- bulk ----

    /** Reads {@code dst.length} bfloat16 values from {@code src} (little-endian, from its position). */
    public static void bf16ToFloats(ByteBuffer src, float[] dst) {
        ByteBuffer b = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < dst.length; i++) {
            dst[i] = bf16ToFloat(b.getShort());
        }
    }

    /** Writes {@code src} as bfloat16 into {@code dst} (little-endian, from its position, which advances). */
    public static void floatsToBf16(float[] src, ByteBuffer dst) {
        ByteOrder order = dst.order();
        dst.order(ByteOrder.LITTLE_ENDIAN);
        for (float f : src) {
            dst.putShort(floatToBf16(f));
        }
        dst.order(order);
    }

    /** Reads {@code dst.length} binary16 values from {@code src} (little-endian, from its position). */
    public static void f16ToFloats(ByteBuffer src, float[] dst) {
        ByteBuffer b = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < dst.length; i++) {
            dst[i] = f16ToFloat(b.getShort());
        }
    }

    /** Writes {@code src} as binary16 into {@code dst} (little-endian, from its position, which advances). */
    public static void floatsToF16(float[] src, ByteBuffer dst) {
        ByteOrder order = dst.order();
        dst.order(ByteOrder.LITTLE_ENDIAN);
        for (float f : src) {
            dst.putShort(floatToF16(f));
        }
        dst.order(order);
    }

    /**
     * The values of a floating-point tensor (F32, F16, BF16 or F64) as float32, F64 rounded to nearest.
     *
     * @throws IllegalArgumentException for other dtypes
     */
    public static float[] toFloats(HostTensor t) {
        float[] out = new float[Math.toIntExact(t.numel())];
        ByteBuffer b = t.data();
        switch (t.dtype()) {
            case F32 -> b.asFloatBuffer().get(out);
            case BF16 -> bf16ToFloats(b, out);
            case F16 -> f16ToFloats(b, out);
            case F64 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) b.getDouble();
                }
            }
            default -> throw new IllegalArgumentException("cannot read " + t + " as float32: not F32, F16, BF16 or F64");
        }
        return out;
    }

    /**
     * A tensor of dtype F32, F16, BF16 or F64 holding {@code values} (rounded to nearest even when narrowing).
     *
     * @throws IllegalArgumentException for other dtypes, or if {@code values} does not fit the shape
     */
    public static HostTensor fromFloats(float[] values, TensorDType dtype, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, dtype.byteSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32 -> b.asFloatBuffer().put(values);
            case BF16 -> floatsToBf16(values, b);
            case F16 -> floatsToF16(values, b);
            case F64 -> {
                for (float v : values) {
                    b.putDouble(v);
                }
            }
            default -> throw new IllegalArgumentException("cannot store float32 values as " + dtype);
        }
        return new HostTensor(dtype, shape, b.clear());
    }
}
