package org.finetune4j.peft.qlora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import java.util.stream.Stream;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The engine decode of NF4 codes equals the Java decode bit for bit, and costs no memory per call. */
class DeviceNf4WeightTest {

    /** Gaussian rows whose scales differ (so every block has its own absmax) and a non-zero mean (offset). */
    static Nf4Tensor weight(int rows, int cols, Nf4Options options, long seed) {
        Random r = new Random(seed);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((0.01 + 0.05 * r.nextDouble()) * r.nextGaussian() + 0.002);
        }
        return Nf4Tensor.quantize(w, new long[] {rows, cols}, options);
    }

    private static Nf4Options plain(int blockSize) {
        return Nf4Options.builder().optBlockSize(blockSize).optDoubleQuant(false).build();
    }

    private static Nf4Options doubleQuant(int blockSize, int nested) {
        return Nf4Options.builder().optBlockSize(blockSize).optDoubleQuant(true).optNestedBlockSize(nested).build();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("even n, whole blocks, plain", 4, 64, plain(64)),
                Arguments.of("odd n [3,5], plain", 3, 5, plain(64)),
                Arguments.of("odd n [3,5], double-quantized", 3, 5, doubleQuant(64, 256)),
                Arguments.of("odd n a multiple of the block (15 in blocks of 5)", 3, 5, plain(5)),
                Arguments.of("odd n, short last block", 7, 13, plain(64)),
                Arguments.of("even n, short last block (1000 in 64s)", 10, 100, plain(64)),
                Arguments.of("block 128, plain", 6, 100, plain(128)),
                Arguments.of("block 128, double-quantized", 8, 128, doubleQuant(128, 256)),
                Arguments.of("double-quantized, one partial nested block", 64, 300, doubleQuant(64, 256)),
                Arguments.of("double-quantized, 3 nested blocks (n = 64·256·2 + 100)", 3, 10956, doubleQuant(64, 256)),
                Arguments.of("double-quantized, nested 4, odd n", 9, 111, doubleQuant(64, 4)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void engineDecodeEqualsJavaDecodeBitForBit(String name, int rows, int cols, Nf4Options options) {
        Nf4Tensor t = weight(rows, cols, options, rows * 31L + cols);
        try (NDManager owner = Djl.engine().newBaseManager(Device.cpu());
                NDManager step = owner.newSubManager()) {
            NDArray w = new DeviceNf4Weight(t, owner).dequantize(step);
            assertEquals(new Shape(rows, cols), w.getShape());
            assertEquals(DataType.FLOAT32, w.getDataType());
            assertSame(step, w.getManager(), "the weight belongs to the step");
            assertArrayEquals(t.dequantize(), w.toFloatArray(), name); // exact: compares float bits
        }
    }

    @Test
    void deviceStorageEqualsTheNf4StorageExactly() {
        Nf4Tensor dq = weight(64, 512, Nf4Options.defaults(), 1);
        Nf4Tensor plain = weight(7, 13, plain(64), 2);
        try (NDManager owner = Djl.engine().newBaseManager(Device.cpu())) {
            DeviceNf4Weight d = new DeviceNf4Weight(dq, owner);
            assertEquals(dq.storageBytes(), d.deviceBytes());
            assertEquals(4.127, d.deviceBytes() * 8.0 / dq.numel(), 0.001, "bits per parameter, double-quantized");
            DeviceNf4Weight p = new DeviceNf4Weight(plain, owner);
            assertEquals(plain.storageBytes(), p.deviceBytes());
            assertEquals(46 + 2 * 4, p.deviceBytes(), "46 code bytes and 2 float32 absmax for 91 values");
            assertEquals(Device.cpu(), d.device());
        }
    }

    /** Intermediates are closed or owned by the step: 50 decodes leave nothing in the long-lived manager. */
    @Test
    void repeatedDecodingLeavesNoArraysInTheLongLivedManager() {
        Nf4Tensor t = weight(3, 10956, Nf4Options.defaults(), 3); // padding and slicing on every level
        try (NDManager owner = Djl.engine().newBaseManager(Device.cpu())) {
            DeviceNf4Weight d = new DeviceNf4Weight(t, owner);
            int before = owner.getManagedArrays().size();
            assertEquals(6, before, "codes, pair table, absmax codes, dynamic map, nested absmax, offset");
            for (int i = 0; i < 50; i++) {
                try (NDManager step = owner.newSubManager()) {
                    NDArray w = d.dequantize(step);
                    assertEquals(1, step.getManagedArrays().size(), "only the result stays with the step");
                    assertSame(step, w.getManager());
                }
            }
            assertEquals(before, owner.getManagedArrays().size());
        }
    }

    @Test
    void decodedWeightIsAConstantUnderGradientRecording() {
        Nf4Tensor t = weight(4, 64, Nf4Options.defaults(), 4);
        try (NDManager m = Djl.engine().newBaseManager(Device.cpu())) {
            DeviceNf4Weight d = new DeviceNf4Weight(t, m);
            NDArray x = m.ones(new Shape(2, 64));
            x.setRequiresGradient(true);
            try (NDManager step = m.newSubManager(); GradientCollector gc = Djl.engine().newGradientCollector()) {
                NDArray w = d.dequantize(step); // (4, 64)
                assertFalse(w.hasGradient());
                gc.backward(x.matMul(w.transpose()).sum()); // (2, 64) x (64, 4)
            }
            DequantScratchTest.assertGradientIsColumnSums(t, x.getGradient().toFloatArray());
        }
    }

    @Test
    void aStepManagerOnAnotherDeviceIsRejected() {
        Nf4Tensor t = weight(2, 64, Nf4Options.defaults(), 5);
        try (NDManager m = Djl.engine().newBaseManager(Device.cpu())) {
            DeviceNf4Weight d = new DeviceNf4Weight(t, m);
            try (NDManager other = m.newSubManager(Device.gpu())) { // no array is made, so no GPU is needed
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.dequantize(other));
                assertTrue(e.getMessage().contains("gpu(0)"), e.getMessage());
            }
        }
    }
}
