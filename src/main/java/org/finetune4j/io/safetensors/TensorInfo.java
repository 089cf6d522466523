package org.finetune4j.io.safetensors;

import java.util.Arrays;
import java.util.Objects;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.TensorDType;

/**
 * One header entry of a safetensors file: where a tensor's bytes are and how to read them.
 *
 * @param name  tensor name, as in the header
 * @param dtype element type
 * @param shape row-major dimensions; {@code []} is a scalar
 * @param begin first byte, relative to the start of the data section
 * @param end   one past the last byte, relative to the start of the data section
 */
public record TensorInfo(String name, TensorDType dtype, long[] shape, long begin, long end) {

    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Bytes of data, {@code end - begin}. */
    public long byteSize() {
        return end - begin;
    }

    /** Number of elements (1 for a scalar). */
    public long numel() {
        return HostTensor.numel(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && t.name.equals(name) && t.dtype == dtype && Arrays.equals(t.shape, shape)
                && t.begin == begin && t.end == end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    @Override
    public String toString() {
        return "TensorInfo[" + name + " " + dtype + " " + Arrays.toString(shape) + " [" + begin + ", " + end + ")]";
    }
}
