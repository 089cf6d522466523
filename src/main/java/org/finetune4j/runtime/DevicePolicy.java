package org.finetune4j.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;

/**
 * Where tensors live and in which floating-point type the model computes.
 *
 * <p>CUDA is picked automatically when DJL sees a GPU, else the CPU, and both compute in float32 by
 * default. bfloat16 is not offered: DJL 0.36's PyTorch JNI maps no dtype code to bfloat16 and aborts the
 * JVM on the first bfloat16 tensor, on the CPU and on CUDA alike (seen on an H200, 2026-11-27), so
 * checkpoints stored in bfloat16 are widened on the host while loading. float16 can be chosen with
 * {@code FINETUNE4J_DTYPE=fp16}: activations and frozen weights in float16, trainable parameters with
 * float32 master copies in the optimizer, the loss in float32; without loss scaling, which finetune4j
 * does not do, it suits inference and short runs better than long training.
 *
 * <p>{@code FINETUNE4J_DEVICE} (cpu | gpu | auto) and {@code FINETUNE4J_DTYPE} (auto | fp32 | fp16)
 * override the choice.
 *
 * @param device      where parameters and activations live
 * @param computeType the dtype of frozen weights and activations
 */
public record DevicePolicy(Device device, DataType computeType) {

    /** The CPU in float32: the reference policy, used by tests. */
    public static DevicePolicy cpu() {
        return new DevicePolicy(Device.cpu(), DataType.FLOAT32);
    }

    /** The best device DJL finds, computing in float32. */
    public static DevicePolicy auto() {
        Engine engine = Djl.engine();
        if (engine.getGpuCount() > 0) {
            return new DevicePolicy(Device.gpu(0), DataType.FLOAT32);
        }
        return cpu();
    }

    /**
     * The policy named by {@code FINETUNE4J_DEVICE} (cpu | gpu | auto, default auto) and
     * {@code FINETUNE4J_DTYPE} (auto | fp32 | fp16, default auto).
     */
    public static DevicePolicy fromEnvironment() {
        return fromSettings(System.getenv("FINETUNE4J_DEVICE"), System.getenv("FINETUNE4J_DTYPE"));
    }

    /** {@link #fromEnvironment()} for given values (null = unset). */
    static DevicePolicy fromSettings(String deviceSetting, String dtypeSetting) {
        String v = deviceSetting == null ? "auto" : deviceSetting;
        DevicePolicy p = switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "cpu" -> cpu();
            case "auto", "" -> auto();
            case "gpu", "cuda" -> {
                DevicePolicy g = auto();
                if (!g.device().isGpu()) {
                    throw new IllegalStateException("FINETUNE4J_DEVICE=" + v + " but DJL finds no GPU");
                }
                yield g;
            }
            default -> throw new IllegalArgumentException("FINETUNE4J_DEVICE must be cpu, gpu or auto, got " + v);
        };
        return p.withDtype(dtypeSetting);
    }

    /** This device with the dtype named by a {@code FINETUNE4J_DTYPE} value (null or auto: unchanged). */
    DevicePolicy withDtype(String setting) {
        String d = setting == null ? "auto" : setting.toLowerCase(java.util.Locale.ROOT);
        DataType type = switch (d) {
            case "auto", "" -> computeType;
            case "fp32", "float32" -> DataType.FLOAT32;
            case "fp16", "float16" -> DataType.FLOAT16;
            case "bf16", "bfloat16" -> throw new IllegalArgumentException("FINETUNE4J_DTYPE=" + setting
                    + ": DJL 0.36's PyTorch JNI has no bfloat16 (it aborts the JVM on the first bfloat16 tensor);"
                    + " use fp32, or fp16 on a GPU");
            default -> throw new IllegalArgumentException("FINETUNE4J_DTYPE must be auto, fp32 or fp16, got "
                    + setting);
        };
        return new DevicePolicy(device, type);
    }

    public boolean isGpu() {
        return device.isGpu();
    }
}
