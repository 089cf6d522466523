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
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;

/** Nf4Linear's engine decode path gives the host path's outputs and gradients exactly. */
class Nf4LinearTest {
    private static final int OUT = 48;
    private static final int IN = 200; // 9,600 weights: blocks of 64 with a short last one

    private static float[] gaussian(int n, double std, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (std * r.nextGaussian());
        }
        return v;
    }

    /** {y = x·Wᵀ + b, dL/dx} for L = Σ y ⊙ g with a fixed random g, on the given path. */
    private static float[][] forwardAndInputGradient(Nf4Linear layer, NDManager root, Nf4DequantPath path) {
        layer.setDequantPath(path);
        try (NDManager step = root.newSubManager()) {
            NDArray x = step.create(gaussian(3 * 5 * IN, 1.0, 11), new Shape(3, 5, IN)); // (B, T, in)
            x.setRequiresGradient(true);
            NDArray g = step.create(gaussian(3 * 5 * OUT, 1.0, 12), new Shape(3, 5, OUT)); // kept open until backward
            float[] y;
            try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                NDArray out = layer.forward(x); // (B, T, out)
                y = out.toFloatArray();
                gc.backward(out.mul(g).sum());
            }
            return new float[][] {y, x.getGradient().toFloatArray()};
        }
    }

    @Test
    void enginePathEqualsHostPathInOutputAndGradient() {
        Nf4Tensor q = Nf4Tensor.quantize(gaussian(OUT * IN, 0.05, 1), OUT, IN); // double-quantized defaults
        try (NDManager root = Djl.engine().newBaseManager(Device.cpu())) {
            NDArray bias = root.create(gaussian(OUT, 0.1, 2));
            Nf4Linear layer = new Nf4Linear(q, bias, new DequantScratch(OUT * IN), root);
            float[][] host = forwardAndInputGradient(layer, root, Nf4DequantPath.HOST);
            int arraysAfterHost = root.getManagedArrays().size();
            float[][] engine = forwardAndInputGradient(layer, root, Nf4DequantPath.ENGINE);
            assertArrayEquals(host[0], engine[0], "forward");
            assertArrayEquals(host[1], engine[1], "input gradient");
            assertTrue(Math.abs(host[1][0]) > 0, "a gradient flowed");
            assertEquals(arraysAfterHost + 6, root.getManagedArrays().size(),
                    "the engine path added only the device copy of codes and scales (6 arrays) to the layer's manager");
            forwardAndInputGradient(layer, root, Nf4DequantPath.ENGINE);
            assertEquals(arraysAfterHost + 6, root.getManagedArrays().size(), "the device copy is reused");
        }
    }

    @Test
    void deviceWeightIsMadeOncePerDeviceInTheOwnersManager() {
        Nf4Tensor q = Nf4Tensor.quantize(gaussian(4 * 64, 0.05, 3), 4, 64);
        try (NDManager root = Djl.engine().newBaseManager(Device.cpu())) {
            Nf4Linear layer = new Nf4Linear(q, null, new DequantScratch(4 * 64), root);
            DeviceNf4Weight first = layer.deviceWeight(Device.cpu());
            assertSame(first, layer.deviceWeight(Device.cpu()));
            assertEquals(q.storageBytes(), first.deviceBytes());
        }
    }

    @Test
    void autoDecodesOnTheHostForCpuAndOnTheEngineElsewhere() {
        assertFalse(Nf4DequantPath.AUTO.usesEngine(Device.cpu()));
        assertTrue(Nf4DequantPath.AUTO.usesEngine(Device.gpu()));
        assertTrue(Nf4DequantPath.ENGINE.usesEngine(Device.cpu()));
        assertFalse(Nf4DequantPath.HOST.usesEngine(Device.gpu()));
    }

    @Test
    void systemPropertyChoosesThePathOfNewLayers() {
        String saved = System.getProperty(Nf4DequantPath.PROPERTY);
        try {
            System.clearProperty(Nf4DequantPath.PROPERTY);
            assertEquals(Nf4DequantPath.AUTO, Nf4DequantPath.configured());
            System.setProperty(Nf4DequantPath.PROPERTY, "Engine");
            assertEquals(Nf4DequantPath.ENGINE, Nf4DequantPath.configured());
            Nf4Tensor q = Nf4Tensor.quantize(gaussian(64, 0.05, 4), 1, 64);
            try (NDManager root = Djl.engine().newBaseManager(Device.cpu())) {
                assertEquals(Nf4DequantPath.ENGINE, new Nf4Linear(q, null, new DequantScratch(64), root).dequantPath());
            }
            System.setProperty(Nf4DequantPath.PROPERTY, "gpu");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Nf4DequantPath::configured);
            assertTrue(e.getMessage().contains("host, engine or auto"), e.getMessage());
        } finally {
            if (saved == null) {
                System.clearProperty(Nf4DequantPath.PROPERTY);
            } else {
                System.setProperty(Nf4DequantPath.PROPERTY, saved);
            }
        }
    }
}
