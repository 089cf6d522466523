package org.finetune4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.TensorDType;

/** Moves floating-point weights between {@link HostTensor} and the engine in a model's compute dtype. */
public final class TensorBridge {
    private TensorBridge() {}

    /** A floating-point host tensor as an NDArray of {@code type} (float16/bfloat16 widened in Java). */
    public static NDArray toNDArray(NDManager m, HostTensor t, DataType type) {
        Shape shape = new Shape(t.shape());
        ByteBuffer data = t.data();
        NDArray a;
        switch (t.dtype()) {
            case F32 -> a = m.create(data.asFloatBuffer(), shape);
            case BF16, F16 -> {
                float[] f = new float[Math.toIntExact(t.numel())];
                for (int i = 0; i < f.length; i++) {
                    short s = data.getShort(2 * i);
                    f[i] = t.dtype() == TensorDType.BF16 ? Float.intBitsToFloat((s & 0xFFFF) << 16) : halfToFloat(s);
                }
                a = m.create(f, shape);
            }
            case F64 -> a = m.create(data.asDoubleBuffer(), shape).toType(DataType.FLOAT32, false);
            default -> throw new IllegalArgumentException("expected a floating-point tensor, got " + t);
        }
        return a.getDataType() == type ? a : a.toType(type, false);
    }

    /** An NDArray copied to Java as float32. */
    public static HostTensor toHost(NDArray a) {
        NDArray f = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
        float[] v = f.toFloatArray();
        if (f != a) {
            f.close();
        }
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer fb = b.asFloatBuffer();
        fb.put(v);
        return new HostTensor(TensorDType.F32, a.getShape().getShape(), b);
    }

    /** IEEE binary16 to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0) {
            float v = mant * 0x1p-24f; // subnormal
            return sign != 0 ? -v : v;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
