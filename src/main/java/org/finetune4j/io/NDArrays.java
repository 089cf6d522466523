package org.finetune4j.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Moves tensors between Java memory ({@link HostTensor}) and DJL ({@link NDArray}).
 *
 * <p>Half-precision handling follows what the PyTorch CPU build tolerates: bfloat16 and float16 data is
 * widened to float32 on the Java side, because {@code toType(BFLOAT16)} on CPU aborts the JVM. Only on a
 * GPU device are bfloat16 bytes handed to the engine as {@link DataType#BFLOAT16} directly.
 *
 * <p>Data is always copied into a fresh buffer owned by the new array, never shared with a memory-mapped
 * file: a mapping is read-only, and an in-place update of a weight that aliased it would crash.
 */
public final class NDArrays {
    private NDArrays() {}

    /**
     * Copies a host tensor into a new array of {@code m}.
     *
     * @param target element type of the result; {@code null} means FLOAT32 for floating-point tensors and
     *               the matching integer type otherwise (I16 becomes INT32: INT16 arrays abort DJL 0.36).
     *               BFLOAT16 is refused: DJL 0.36's JNI has no code for it and aborts the JVM, on CPU
     *               and CUDA alike; BF16 tensors are widened on the host instead.
     * @throws IllegalArgumentException for BFLOAT16, INT16, or a dtype DJL cannot hold (F8, U16, U32, U64)
     */
    public static NDArray toNDArray(NDManager m, HostTensor t, DataType target) {
        if (target == DataType.BFLOAT16) {
            throw new IllegalArgumentException("BFLOAT16 arrays abort DJL 0.36's PyTorch JNI (it has no dtype code"
                    + " for them); use FLOAT32 or FLOAT16 for " + t);
        }
        if (target == DataType.INT16) {
            throw new IllegalArgumentException("INT16 arrays abort the PyTorch engine of DJL 0.36; use INT32 for " + t);
        }
        Shape shape = new Shape(t.shape());
        DataType want = target != null ? target
                : t.dtype().isFloatingPoint() ? DataType.FLOAT32
                : t.dtype() == TensorDType.I16 ? DataType.INT32
                : djlType(t.dtype());
        NDArray created;
        if (t.dtype() == TensorDType.BF16 || (t.dtype() == TensorDType.F16 && want != DataType.FLOAT16)) {
            // Widen on the Java side: exact, and never asks the engine for a bfloat16 array.
            created = m.create(widenHalf(t), shape, DataType.FLOAT32);
        } else if (t.dtype() == TensorDType.I16) {
            created = m.create(widenI16(t), shape, DataType.INT32);
        } else {
            created = m.create(directCopy(t.data()), shape, djlType(t.dtype()));
        }
        if (created.getDataType() == want) {
            return created;
        }
        NDArray converted = created.toType(want, false);
        created.close();
        return converted;
    }

    /** float16 or bfloat16: the types whose arithmetic finetune4j widens or keeps float32 copies for. */
    public static boolean isHalf(DataType type) {
        return type == DataType.FLOAT16 || type == DataType.BFLOAT16;
    }

    /**
     * The values of a floating-point array as Java floats; half-precision arrays (a GPU policy) are widened
     * first, since DJL's {@code toFloatArray} accepts float32 only.
     */
    public static float[] floats(NDArray a) {
        if (a.getDataType() == DataType.FLOAT32) {
            return a.toFloatArray();
        }
        try (NDArray wide = a.toType(DataType.FLOAT32, false)) {
            return wide.toFloatArray();
        }
    }

    /**
     * Copies an array into Java memory.
     *
     * @param as dtype of the result; {@code null} keeps the array's own type. Floating-point arrays may be
     *           stored as any of F32, F16, BF16, F64 (narrowing rounds to nearest even on the Java side);
     *           other types must match the array's type.
     */
    public static HostTensor fromNDArray(NDArray a, TensorDType as) {
        TensorDType own = tensorDType(a.getDataType());
        long[] shape = a.getShape().getShape();
        ByteBuffer src = a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer copy = ByteBuffer.allocate(src.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(src).flip();
        HostTensor exact = new HostTensor(own, shape, copy);
        if (as == null || as == own) {
            return exact;
        }
        if (isConvertibleFloat(own) && isConvertibleFloat(as)) {
            return HalfFloats.fromFloats(HalfFloats.toFloats(exact), as, shape);
        }
        if (own == TensorDType.I32 && as == TensorDType.I16) {
            return narrowToI16(exact);
        }
        throw new IllegalArgumentException("cannot store a " + a.getDataType() + " array as " + as
                + "; convert it with toType first");
    }

    /** The DJL type holding a safetensors dtype unchanged. */
    public static DataType djlType(TensorDType dtype) {
        return switch (dtype) {
            case F32 -> DataType.FLOAT32;
            case F16 -> DataType.FLOAT16;
            case BF16 -> DataType.BFLOAT16;
            case F64 -> DataType.FLOAT64;
            case I8 -> DataType.INT8;
            case U8 -> DataType.UINT8;
            case I16 -> throw new IllegalArgumentException(
                    "I16 has no usable DJL type: creating INT16 arrays aborts the PyTorch engine of DJL 0.36; "
                    + "toNDArray widens I16 to INT32");
            case I32 -> DataType.INT32;
            case I64 -> DataType.INT64;
            case BOOL -> DataType.BOOLEAN;
            default -> throw new IllegalArgumentException("dtype " + dtype + " has no DJL equivalent");
        };
    }

    /** The safetensors dtype of a DJL type. */
    public static TensorDType tensorDType(DataType type) {
        return switch (type) {
            case FLOAT32 -> TensorDType.F32;
            case FLOAT16 -> TensorDType.F16;
            case BFLOAT16 -> TensorDType.BF16;
            case FLOAT64 -> TensorDType.F64;
            case INT8 -> TensorDType.I8;
            case UINT8 -> TensorDType.U8;
            case INT16 -> TensorDType.I16;
            case INT32 -> TensorDType.I32;
            case INT64 -> TensorDType.I64;
            case BOOLEAN -> TensorDType.BOOL;
            default -> throw new IllegalArgumentException("DJL type " + type + " has no safetensors dtype");
        };
    }

    private static boolean isConvertibleFloat(TensorDType t) {
        return t == TensorDType.F32 || t == TensorDType.F16 || t == TensorDType.BF16 || t == TensorDType.F64;
    }

    /** F16 or BF16 values as a direct FLOAT32 buffer, without an intermediate float[]. */
    private static ByteBuffer widenHalf(HostTensor t) {
        ByteBuffer src = t.data();
        ByteBuffer dst = ByteBuffer.allocateDirect(Math.multiplyExact(src.remaining(), 2)).order(ByteOrder.nativeOrder());
        boolean bf16 = t.dtype() == TensorDType.BF16;
        while (src.hasRemaining()) {
            short bits = src.getShort();
            dst.putFloat(bf16 ? HalfFloats.bf16ToFloat(bits) : HalfFloats.f16ToFloat(bits));
        }
        return dst.flip();
    }

    /** I16 values as a direct INT32 buffer. */
    private static ByteBuffer widenI16(HostTensor t) {
        ByteBuffer src = t.data();
        ByteBuffer dst = ByteBuffer.allocateDirect(Math.multiplyExact(src.remaining(), 2)).order(ByteOrder.nativeOrder());
        while (src.hasRemaining()) {
            dst.putInt(src.getShort());
        }
        return dst.flip();
    }

    /** INT32 values stored as I16; a value out of range is an error, not a silent wrap. */
    private static HostTensor narrowToI16(HostTensor t) {
        ByteBuffer src = t.data();
        ByteBuffer dst = ByteBuffer.allocate(src.remaining() / 2).order(ByteOrder.LITTLE_ENDIAN);
        while (src.hasRemaining()) {
            int v = src.getInt();
            if (v != (short) v) {
                throw new IllegalArgumentException("value " + v + " of an INT32 array does not fit I16");
            }
            dst.putShort((short) v);
        }
        return new HostTensor(TensorDType.I16, t.shape(), dst.flip());
    }

    /** A native-order direct copy, owned by nobody else (DJL may wrap it without copying). */
    private static ByteBuffer directCopy(ByteBuffer src) {
        ByteBuffer dst = ByteBuffer.allocateDirect(src.remaining()).order(ByteOrder.nativeOrder());
        dst.put(src.duplicate()).flip();
        return dst;
    }
}
