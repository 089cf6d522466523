package org.finetune4j.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.util.cuda.CudaUtils;

/**
 * Where tensors live and in which floating-point type the model computes.
 *
 * <p>CUDA is picked automatically when DJL sees a GPU, else the CPU. On the CPU everything is float32:
 * this libtorch build aborts the JVM on {@code toType(BFLOAT16)} on CPU, and CPU half-precision
 * matmuls are slow anyway. On a GPU, bfloat16 where the card supports it (compute capability 8.0+,
 * Ampere and newer), else float16.
 *
 * @param device      where parameters and activations live
 * @param computeType the dtype of frozen weights and activations
 */
public record DevicePolicy(Device device, DataType computeType) {

    /** The CPU in float32: the reference policy, used by tests. */
    public static DevicePolicy cpu() {
        return new DevicePolicy(Device.cpu(), DataType.FLOAT32);
    }

    /** The best device DJL finds, with its preferred dtype. */
    public static DevicePolicy auto() {
        Engine engine = Djl.engine();
        if (engine.getGpuCount() > 0) {
            Device gpu = Device.gpu(0);
            return new DevicePolicy(gpu, supportsBf16(gpu) ? DataType.BFLOAT16 : DataType.FLOAT16);
        }
        return cpu();
    }

    /** The policy named by {@code FINETUNE4J_DEVICE} (cpu | gpu | auto), defaulting to auto. */
    public static DevicePolicy fromEnvironment() {
        String v = System.getenv().getOrDefault("FINETUNE4J_DEVICE", "auto");
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "cpu" -> cpu();
            case "auto", "" -> auto();
            case "gpu", "cuda" -> {
                DevicePolicy p = auto();
                if (!p.device().isGpu()) {
                    throw new IllegalStateException("FINETUNE4J_DEVICE=" + v + " but DJL finds no GPU");
                }
                yield p;
            }
            default -> throw new IllegalArgumentException("FINETUNE4J_DEVICE must be cpu, gpu or auto, got " + v);
        };
    }

    private static boolean supportsBf16(Device gpu) {
        try {
            String cc = CudaUtils.getComputeCapability(gpu.getDeviceId()); // e.g. "90"
            return Integer.parseInt(cc) >= 80;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    public boolean isGpu() {
        return device.isGpu();
    }
}
