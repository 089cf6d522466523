package org.finetune4j.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor held in Java memory (heap or memory-mapped), independent of any engine.
 *
 * <p>It is the exchange type between file formats (safetensors, GGUF) and DJL: readers return it,
 * writers take it, and {@code org.finetune4j.io.NDArrays} converts it to and from {@code NDArray}.
 *
 * @param dtype element type
 * @param shape row-major dimensions, outermost first; {@code []} is a scalar
 * @param data  exactly {@code numel * dtype.byteSize()} bytes, little-endian, from position 0
 */
public record HostTensor(TensorDType dtype, long[] shape, ByteBuffer data) {

    public HostTensor {
        shape = shape.clone();
        long expected = numel(shape) * dtype.byteSize();
        if (data.remaining() != expected) {
            throw new IllegalArgumentException("tensor of dtype " + dtype + " and shape " + Arrays.toString(shape)
                    + " needs " + expected + " bytes but has " + data.remaining());
        }
        data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Number of elements of a shape (1 for a scalar). */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long numel() {
        return numel(shape);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** A fresh read-only little-endian view of the bytes. */
    @Override
    public ByteBuffer data() {
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    public long byteSize() {
        return data.remaining();
    }

    /** A float32 tensor from Java values, copied into a heap buffer. */
    public static HostTensor ofFloats(float[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new HostTensor(TensorDType.F32, shape, b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostTensor t && t.dtype == dtype && Arrays.equals(t.shape, shape) && t.data().equals(data());
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + data().hashCode();
    }

    @Override
    public String toString() {
        return "HostTensor[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
