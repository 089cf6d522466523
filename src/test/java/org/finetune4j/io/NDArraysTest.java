package org.finetune4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NDArraysTest {
    private static NDManager root;

    @BeforeAll
    static void start() {
        root = Djl.engine().newBaseManager();
    }

    @AfterAll
    static void stop() {
        root.close();
    }

    private static HostTensor random(TensorDType dtype, Random r, long... shape) {
        byte[] b = new byte[Math.toIntExact(HostTensor.numel(shape) * dtype.byteSize())];
        r.nextBytes(b);
        for (int i = 0; i < b.length; i++) {
            if (dtype == TensorDType.BOOL) {
                b[i] &= 1;
            } else if ((dtype == TensorDType.F16 || dtype == TensorDType.BF16) && i % 2 == 1) {
                b[i] &= 0x3F; // high byte: keep values finite and moderate (no NaN payload questions)
            } else if (dtype == TensorDType.F32 && i % 4 == 3 || dtype == TensorDType.F64 && i % 8 == 7) {
                b[i] &= 0x3F;
            }
        }
        return new HostTensor(dtype, shape, ByteBuffer.wrap(b));
    }

    @Test
    void exactDtypesRoundTripUnchanged() {
        Random r = new Random(5);
        for (TensorDType dtype : List.of(TensorDType.F32, TensorDType.F64, TensorDType.I8, TensorDType.U8,
                TensorDType.I32, TensorDType.I64, TensorDType.BOOL)) {
            for (long[] shape : new long[][] {{}, {0}, {3, 4}, {2, 3, 5}}) {
                HostTensor t = random(dtype, r, shape);
                try (NDManager m = root.newSubManager()) {
                    NDArray a = NDArrays.toNDArray(m, t, NDArrays.djlType(dtype));
                    assertEquals(NDArrays.djlType(dtype), a.getDataType());
                    DataType byDefault = NDArrays.toNDArray(m, t, null).getDataType();
                    assertEquals(dtype.isFloatingPoint() ? DataType.FLOAT32 : NDArrays.djlType(dtype), byDefault);
                    assertArrayEquals(shape, a.getShape().getShape());
                    assertEquals(t, NDArrays.fromNDArray(a, null), dtype + " " + java.util.Arrays.toString(shape));
                    assertEquals(t, NDArrays.fromNDArray(a, dtype));
                }
            }
        }
    }

    @Test
    void halfPrecisionBecomesFloat32OnCpuAndRoundTrips() {
        Random r = new Random(6);
        for (TensorDType dtype : List.of(TensorDType.BF16, TensorDType.F16)) {
            HostTensor t = random(dtype, r, 4, 6);
            try (NDManager m = root.newSubManager()) {
                NDArray a = NDArrays.toNDArray(m, t, DataType.FLOAT32);
                assertEquals(DataType.FLOAT32, a.getDataType());
                float[] values = a.toFloatArray();
                ByteBuffer raw = t.data();
                for (int i = 0; i < values.length; i++) {
                    short bits = raw.getShort();
                    float expected = dtype == TensorDType.BF16 ? HalfFloats.bf16ToFloat(bits) : HalfFloats.f16ToFloat(bits);
                    assertEquals(expected, values[i]);
                }
                assertEquals(t, NDArrays.fromNDArray(a, dtype), "widening then narrowing is exact");
                assertEquals(DataType.FLOAT32, NDArrays.toNDArray(m, t, null).getDataType());
            }
        }
    }

    @Test
    void float16TargetKeepsValues() {
        HostTensor t = HalfFloats.fromFloats(new float[] {0.5f, -2f, 65504f, 0x1p-24f}, TensorDType.F16, 2, 2);
        try (NDManager m = root.newSubManager()) {
            NDArray fromHalf = NDArrays.toNDArray(m, t, DataType.FLOAT16);
            assertEquals(DataType.FLOAT16, fromHalf.getDataType());
            assertEquals(t, NDArrays.fromNDArray(fromHalf, null));
            NDArray fromFloat = NDArrays.toNDArray(m, HostTensor.ofFloats(new float[] {0.5f, -2f, 65504f, 0x1p-24f}, 2, 2),
                    DataType.FLOAT16);
            assertEquals(t, NDArrays.fromNDArray(fromFloat, TensorDType.F16));
            assertArrayEquals(new float[] {0.5f, -2f, 65504f, 0x1p-24f}, HalfFloats.toFloats(
                    NDArrays.fromNDArray(fromFloat, TensorDType.F32)));
        }
    }

    @Test
    void float32IsNarrowedToBf16OnTheJavaSideWithRounding() {
        try (NDManager m = root.newSubManager()) {
            NDArray a = m.create(new float[] {3.14159274f, Float.NaN, Float.POSITIVE_INFINITY,
                Float.intBitsToFloat(0x3F808000), Float.intBitsToFloat(0x3F818000)});
            HostTensor bf = NDArrays.fromNDArray(a, TensorDType.BF16);
            ByteBuffer b = bf.data();
            assertEquals((short) 0x4049, b.getShort());
            assertEquals((short) 0x7FC0, b.getShort());
            assertEquals((short) 0x7F80, b.getShort());
            assertEquals((short) 0x3F80, b.getShort());
            assertEquals((short) 0x3F82, b.getShort());
        }
    }

    @Test
    void nonContiguousArraysAreCopiedInLogicalOrder() {
        try (NDManager m = root.newSubManager()) {
            NDArray a = m.arange(6f).reshape(2, 3).transpose(); // (3, 2) view over (2, 3) storage
            HostTensor t = NDArrays.fromNDArray(a, TensorDType.F32);
            assertArrayEquals(new long[] {3, 2}, t.shape());
            assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, HalfFloats.toFloats(t));
        }
    }

    @Test
    void arrayDoesNotAliasTheHostBuffer() {
        HostTensor t = HostTensor.ofFloats(new float[] {1, 2, 3}, 3);
        try (NDManager m = root.newSubManager()) {
            NDArray a = NDArrays.toNDArray(m, t, DataType.FLOAT32);
            a.addi(m.ones(a.getShape()));
            assertArrayEquals(new float[] {1, 2, 3}, HalfFloats.toFloats(t));
            assertArrayEquals(new float[] {2, 3, 4}, a.toFloatArray());
        }
    }

    @Test
    void refusesBf16OnCpuAndImpossibleConversions() {
        HostTensor bf = HalfFloats.fromFloats(new float[] {1}, TensorDType.BF16, 1);
        try (NDManager m = root.newSubManager()) {
            assertThrows(IllegalArgumentException.class, () -> NDArrays.toNDArray(m, bf, DataType.BFLOAT16));
            NDArray ints = m.create(new int[] {1, 2});
            assertThrows(IllegalArgumentException.class, () -> NDArrays.fromNDArray(ints, TensorDType.F32));
            HostTensor fp8 = new HostTensor(TensorDType.F8_E4M3, new long[] {1}, ByteBuffer.allocate(1));
            assertThrows(IllegalArgumentException.class, () -> NDArrays.toNDArray(m, fp8, null));
        }
    }

    /** DJL 0.36 aborts the JVM on INT16 arrays, so I16 travels as INT32 and comes back exactly. */
    @Test
    void int16IsWidenedToInt32AndNarrowedBack() {
        HostTensor t = new HostTensor(TensorDType.I16, new long[] {2, 2}, ByteBuffer.allocate(8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort((short) -32768).putShort((short) 32767)
                .putShort((short) -1).putShort((short) 5).flip());
        try (NDManager m = root.newSubManager()) {
            NDArray a = NDArrays.toNDArray(m, t, null);
            assertEquals(DataType.INT32, a.getDataType());
            assertArrayEquals(new int[] {-32768, 32767, -1, 5}, a.toIntArray());
            assertEquals(t, NDArrays.fromNDArray(a, TensorDType.I16));
            NDArray tooBig = m.create(new int[] {40000});
            assertThrows(IllegalArgumentException.class, () -> NDArrays.fromNDArray(tooBig, TensorDType.I16));
        }
    }

    @Test
    void integerSourceMayBeConvertedToFloat32() {
        HostTensor t = new HostTensor(TensorDType.I64, new long[] {3},
                ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(-1).putLong(0).putLong(7).flip());
        try (NDManager m = root.newSubManager()) {
            NDArray a = NDArrays.toNDArray(m, t, DataType.FLOAT32);
            assertArrayEquals(new float[] {-1, 0, 7}, a.toFloatArray());
        }
    }
}
