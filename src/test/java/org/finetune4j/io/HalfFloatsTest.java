package org.finetune4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    private static short bf16(float f) {
        return HalfFloats.floatToBf16(f);
    }

    private static float bits(int b) {
        return Float.intBitsToFloat(b);
    }

    @Test
    void bf16RoundsToNearestEvenOnReferenceExamples() {
        assertEquals((short) 0x4049, bf16(3.14159274f)); // reference §5: 0x40490FDB -> 0x4049
        assertEquals((short) 0x3F80, bf16(1.0f));
        assertEquals((short) 0x3F80, bf16(bits(0x3F808000))); // exact tie, 0x3F80 is even: stays
        assertEquals((short) 0x3F82, bf16(bits(0x3F818000))); // exact tie, 0x3F81 is odd: goes up
        assertEquals((short) 0x3F81, bf16(bits(0x3F808001))); // just above the tie
        assertEquals((short) 0x3F80, bf16(bits(0x3F807FFF))); // just below the tie
        assertEquals((short) 0xBF82, bf16(bits(0xBF818000))); // sign does not change the rounding
        assertEquals((short) 0x7F80, bf16(Float.POSITIVE_INFINITY));
        assertEquals((short) 0xFF80, bf16(Float.NEGATIVE_INFINITY));
        assertEquals((short) 0x7F80, bf16(Float.MAX_VALUE)); // rounds past the largest bf16 to infinity
        assertEquals((short) 0x7F7F, bf16(HalfFloats.bf16ToFloat((short) 0x7F7F))); // max finite bf16 is kept
        assertEquals(3.3895314e38f, HalfFloats.bf16ToFloat((short) 0x7F7F));
        assertEquals((short) 0x8000, bf16(-0.0f));
        assertEquals((short) 0x0001, bf16(Float.MIN_VALUE * 65536)); // smallest bf16 subnormal, exact
    }

    @Test
    void bf16NaNStaysQuietNaNWithSign() {
        assertEquals((short) 0x7FC0, bf16(Float.NaN));
        short signalling = bf16(bits(0x7F800001)); // truncation alone would give 0x7F80 = infinity
        assertEquals((short) 0x7FC0, signalling);
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(signalling)));
        assertEquals((short) 0xFFC0, bf16(bits(0xFF800001)));
    }

    /** Reference: pick the nearer of the two truncation neighbours in exact double arithmetic. */
    @Test
    void bf16MatchesNearestNeighbourReferenceOnRandomFloats() {
        Random r = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            float x = bits(r.nextInt());
            if (Float.isNaN(x) || Float.isInfinite(x)) {
                continue;
            }
            int lo = Float.floatToRawIntBits(x) & 0xFFFF0000;
            int hi = lo + 0x10000;
            double dLo = Math.abs((double) x - bits(lo));
            double hiValue = (hi & 0x7F800000) == 0x7F800000 ? Math.copySign(0x1p128, x) : bits(hi);
            double dHi = Math.abs((double) x - hiValue);
            int expected = dLo < dHi ? lo : dHi < dLo ? hi : ((lo >>> 16) & 1) == 0 ? lo : hi;
            assertEquals((short) (expected >>> 16), bf16(x), () -> "x = " + x);
        }
    }

    @Test
    void f16DecodesEveryBitPatternLikeTheIeeeFormula() {
        for (int h = 0; h < 0x10000; h++) {
            int exponent = (h >>> 10) & 0x1F;
            int mantissa = h & 0x3FF;
            double sign = (h & 0x8000) != 0 ? -1 : 1;
            float actual = HalfFloats.f16ToFloat((short) h);
            if (exponent == 0x1F) {
                assertTrue(mantissa == 0 ? actual == sign * Double.POSITIVE_INFINITY : Float.isNaN(actual));
                continue;
            }
            double expected = exponent == 0 ? sign * mantissa * 0x1p-24
                    : sign * (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
            assertEquals(expected, actual, 0.0, "h = " + Integer.toHexString(h));
            assertEquals(h, HalfFloats.floatToF16(actual) & 0xFFFF, "round trip of " + Integer.toHexString(h));
        }
    }

    @Test
    void f16SubnormalsOverflowAndNaN() {
        assertEquals(0x0001, f16(0x1p-24f));              // smallest subnormal
        assertEquals(0x0000, f16(0x1p-25f));              // tie between 0 and 2^-24: even is 0
        assertEquals(0x0001, f16(0x1.000002p-25f));       // just above the tie
        assertEquals(0x0002, f16(0x1.8p-24f));            // tie between 1 and 2 units: even is 2
        assertEquals(0x0002, f16(0x1.4p-23f));            // 2.5 units: tie to even 2
        assertEquals(0x03FF, f16(0x1.ff8p-15f));          // largest subnormal
        assertEquals(0x0400, f16(0x1.ffcp-15f));          // tie rounds up into the smallest normal
        assertEquals(0x0400, f16(0x1p-14f));
        assertEquals(0x8001, f16(-0x1p-24f));
        assertEquals(0x0000, f16(Float.MIN_VALUE));
        assertEquals(0x7BFF, f16(65504f));
        assertEquals(0x7BFF, f16(65519.996f));
        assertEquals(0x7C00, f16(65520f));                // tie between 65504 (odd) and infinity
        assertEquals(0x7C00, f16(1e6f));
        assertEquals(0xFC00, f16(-1e6f));
        assertEquals(0x7C00, f16(Float.POSITIVE_INFINITY));
        assertEquals(0x3C00, f16(1f));
        assertEquals(0x3C00, f16(1.00048828125f));        // 1 + 2^-11: tie, 0x3C00 even
        assertEquals(0x3C02, f16(1.00146484375f));        // 1 + 3*2^-11: tie, goes up to even 0x3C02
        int nan = f16(Float.NaN);
        assertEquals(0x7C00, nan & 0x7C00);
        assertTrue((nan & 0x0200) != 0, "quiet bit");
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat((short) f16(bits(0x7F800001))))); // not turned into infinity
    }

    private static int f16(float f) {
        return HalfFloats.floatToF16(f) & 0xFFFF;
    }

    /** Reference: binary search over all finite non-negative binary16 values, ties to the even pattern. */
    @Test
    void f16MatchesNearestValueReferenceOnRandomFloats() {
        double[] values = new double[0x7C00];
        for (int h = 0; h < values.length; h++) {
            values[h] = HalfFloats.f16ToFloat((short) h);
        }
        Random r = new Random(2);
        for (int i = 0; i < 200_000; i++) {
            // Exponents around the binary16 range (2^-27 .. 2^17), random mantissa and sign.
            float x = Math.scalb(1 + r.nextFloat(), r.nextInt(45) - 27) * (r.nextBoolean() ? 1 : -1);
            double a = Math.abs((double) x);
            int expected;
            if (a >= 65520) {
                expected = 0x7C00;
            } else {
                int idx = Arrays.binarySearch(values, a);
                if (idx >= 0) {
                    expected = idx;
                } else {
                    int hi = -idx - 1;
                    int lo = hi - 1;
                    double dLo = a - values[lo];
                    double dHi = hi < values.length ? values[hi] - a : Double.POSITIVE_INFINITY;
                    expected = dLo < dHi ? lo : dHi < dLo ? hi : (lo & 1) == 0 ? lo : hi;
                }
            }
            if (x < 0) {
                expected |= 0x8000;
            }
            assertEquals(expected, f16(x), "x = " + x);
        }
    }

    @Test
    void bulkConversionsRoundTripThroughLittleEndianBuffers() {
        float[] v = {0f, -1.5f, 3.14159274f, 65504f, 1e-7f, -0f};
        ByteBuffer bf = ByteBuffer.allocate(v.length * 2).order(ByteOrder.BIG_ENDIAN);
        HalfFloats.floatsToBf16(v, bf);
        assertEquals(ByteOrder.BIG_ENDIAN, bf.order(), "caller's byte order is restored");
        assertEquals((byte) 0x49, bf.get(4)); // little-endian: low byte of 0x4049 first
        assertEquals((byte) 0x40, bf.get(5));
        float[] back = new float[v.length];
        HalfFloats.bf16ToFloats(bf.flip(), back);
        for (int i = 0; i < v.length; i++) {
            assertEquals(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(v[i])), back[i]);
        }
        ByteBuffer h = ByteBuffer.allocate(v.length * 2);
        HalfFloats.floatsToF16(v, h);
        HalfFloats.f16ToFloats(h.flip(), back);
        for (int i = 0; i < v.length; i++) {
            assertEquals(HalfFloats.f16ToFloat(HalfFloats.floatToF16(v[i])), back[i]);
        }
        HostTensor t = HalfFloats.fromFloats(v, TensorDType.F16, 2, 3);
        assertArrayEquals(back, HalfFloats.toFloats(t));
        assertArrayEquals(v, HalfFloats.toFloats(HalfFloats.fromFloats(v, TensorDType.F64, 6)));
    }
}
