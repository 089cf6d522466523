package org.finetune4j.peft.qlora;

import java.util.Arrays;

/**
 * The per-block scales (absmax) of an NF4 tensor: either plain float32 values or, with double
 * quantization, 8-bit codes into the {@link DynamicMap} plus second-level float32 scales and an offset.
 *
 * <p>Arrays are held as given (not copied) because they can be large; treat them as immutable.
 */
public sealed interface Nf4Scales permits Nf4Scales.Plain, Nf4Scales.DoubleQuantized {

    /** Number of first-level blocks (one absmax each). */
    int blockCount();

    /** The float32 absmax of every block, decoded if double-quantized; a fresh array. */
    float[] absmax();

    /** Bytes these scales occupy (the shared code books are not counted). */
    long storageBytes();

    /**
     * One float32 absmax per block.
     *
     * @param absmax {@code [blockCount]}
     */
    record Plain(float[] absmax) implements Nf4Scales {
        public Plain {
            if (absmax == null) {
                throw new IllegalArgumentException("NF4 absmax array is null");
            }
        }

        @Override
        public int blockCount() {
            return absmax.length;
        }

        @Override
        public float[] absmax() {
            return absmax.clone();
        }

        @Override
        public long storageBytes() {
            return 4L * absmax.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Plain p && Arrays.equals(p.absmax, absmax);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(absmax);
        }

        @Override
        public String toString() {
            return "Plain[" + absmax.length + " absmax]";
        }
    }

    /**
     * Double-quantized absmax: {@code absmax[i] = DYN[qAbsmax[i] & 0xFF] · absmax2[i / nestedBlockSize] + offset},
     * computed in float32 (product rounded, then sum rounded), as bitsandbytes dequantizes it.
     *
     * @param qAbsmax         {@code [blockCount]} unsigned 8-bit indices into {@link DynamicMap}
     * @param absmax2         {@code [ceil(blockCount / nestedBlockSize)]} float32 absmax of the centred absmax
     * @param offset          mean of the original absmax values, subtracted before quantizing
     * @param nestedBlockSize absmax values per second-level block
     */
    record DoubleQuantized(byte[] qAbsmax, float[] absmax2, float offset, int nestedBlockSize) implements Nf4Scales {
        public DoubleQuantized {
            if (qAbsmax == null || absmax2 == null) {
                throw new IllegalArgumentException("NF4 double-quantized scales need qAbsmax and absmax2");
            }
            if (nestedBlockSize <= 0) {
                throw new IllegalArgumentException("nestedBlockSize must be positive, got " + nestedBlockSize);
            }
            int expected = (qAbsmax.length + nestedBlockSize - 1) / nestedBlockSize;
            if (absmax2.length != expected) {
                throw new IllegalArgumentException("NF4 nested absmax has " + absmax2.length + " values but "
                        + qAbsmax.length + " absmax codes in blocks of " + nestedBlockSize + " need " + expected);
            }
        }

        @Override
        public int blockCount() {
            return qAbsmax.length;
        }

        @Override
        public float[] absmax() {
            float[] out = new float[qAbsmax.length];
            for (int i = 0; i < out.length; i++) {
                float scaled = DynamicMap.value(qAbsmax[i] & 0xFF) * absmax2[i / nestedBlockSize];
                out[i] = scaled + offset;
            }
            return out;
        }

        @Override
        public long storageBytes() {
            return qAbsmax.length + 4L * absmax2.length + 4L; // codes, nested absmax, offset
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DoubleQuantized d && Arrays.equals(d.qAbsmax, qAbsmax)
                    && Arrays.equals(d.absmax2, absmax2)
                    && Float.floatToIntBits(d.offset) == Float.floatToIntBits(offset)
                    && d.nestedBlockSize == nestedBlockSize;
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Arrays.hashCode(qAbsmax) + Arrays.hashCode(absmax2)) + Float.hashCode(offset)
                    + nestedBlockSize;
        }

        @Override
        public String toString() {
            return "DoubleQuantized[" + qAbsmax.length + " codes, " + absmax2.length + " nested, offset=" + offset
                    + ", nestedBlockSize=" + nestedBlockSize + "]";
        }
    }
}
