package org.finetune4j.peft.qlora;

import ai.djl.Device;
import java.util.Locale;

/**
 * Where {@link Nf4Linear} turns NF4 codes into the float32 weight of each forward.
 *
 * <ul>
 *   <li>{@link #HOST}: decoded in Java ({@link DequantScratch}) and uploaded as float32, 4 bytes per weight;
 *   <li>{@link #ENGINE}: decoded by libtorch from codes kept on the input's device ({@link DeviceNf4Weight});
 *   <li>{@link #AUTO} (the default): HOST on the CPU, where it is measured faster, ENGINE on any other device,
 *       where it avoids copying every weight host→device in float32 on every step.
 * </ul>
 *
 * <p>The system property {@value #PROPERTY} ({@code host}, {@code engine} or {@code auto}) sets the path of layers
 * built afterwards, so the engine path can be exercised on a CPU-only machine.
 */
public enum Nf4DequantPath {
    HOST,
    ENGINE,
    AUTO;

    /** System property read by {@link #configured()}. */
    public static final String PROPERTY = "finetune4j.nf4.dequant";

    /** The path named by {@value #PROPERTY}; AUTO when unset. */
    public static Nf4DequantPath configured() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            return AUTO;
        }
        try {
            return valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + v + ": expected host, engine or auto", e);
        }
    }

    /** Whether a forward on {@code device} decodes on the engine. */
    public boolean usesEngine(Device device) {
        return switch (this) {
            case HOST -> false;
            case ENGINE -> true;
            case AUTO -> !Device.Type.CPU.equals(device.getDeviceType());
        };
    }
}
