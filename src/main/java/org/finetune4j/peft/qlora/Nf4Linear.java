package org.finetune4j.peft.qlora;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.finetune4j.model.LinearLayer;
import org.finetune4j.model.kernels.FusedOps;

/**
 * A frozen linear layer whose weight is stored as 4-bit NormalFloat and dequantised on the fly for
 * each forward (torchtune's "QLoRA = LoRA over a quantised base"). It has no trainable tensors.
 *
 * <p>Two decode paths, picked per forward by the input's device ({@link Nf4DequantPath}, default AUTO):
 * <ul>
 *   <li>CPU: the codes and scales stay on the Java heap at ≈4.13 bits per weight and are decoded in Java into a
 *       float32 engine array ({@link DequantScratch}); measured faster than decoding on libtorch's CPU kernels;
 *   <li>any other device (a GPU): a {@link DeviceNf4Weight} holds the codes and scales on that device, also at
 *       ≈4.13 bits per weight, and decodes them there, so a step copies no float32 weight host→device. It is made
 *       on the first forward on that device, in a child of the long-lived {@code owner} manager, and then reused.
 * </ul>
 * Both paths give bit-identical weights.
 */
public final class Nf4Linear extends LinearLayer {
    private final Nf4Tensor weight;
    private final NDArray bias;
    private final DequantScratch scratch;
    private final NDManager owner;
    private final Map<Device, DeviceNf4Weight> onDevice = new HashMap<>(); // guarded by this
    private volatile Nf4DequantPath path = Nf4DequantPath.configured();

    /**
     * @param weight  the quantised (out, in) weight
     * @param bias    (out) or null, kept dense and frozen
     * @param scratch reusable buffers of at least out·in floats (shared by all layers of a model)
     * @param owner   a manager that lives as long as this layer (the model's parameter manager); device copies of
     *                the codes are made in children of it, never in a per-step manager
     */
    public Nf4Linear(Nf4Tensor weight, NDArray bias, DequantScratch scratch, NDManager owner) {
        if (weight.shape().length != 2) {
            throw new IllegalArgumentException("NF4 linear weight must be 2-D");
        }
        if (owner == null) {
            throw new IllegalArgumentException("NF4 linear needs a long-lived manager for its device copies");
        }
        this.weight = weight;
        this.bias = bias;
        this.scratch = scratch;
        this.owner = owner;
        if (bias != null) {
            registerParameter("bias", bias, false);
        }
    }

    @Override
    public NDArray forward(NDArray x) {
        NDManager step = x.getManager();
        NDArray w = path.usesEngine(x.getDevice()) // (out, in) float32, freed with the step
                ? deviceWeight(x.getDevice()).dequantize(step)
                : scratch.dequantize(step, weight);
        if (w.getDataType() != x.getDataType()) {
            w = w.toType(x.getDataType(), false); // a frozen weight: the cast needs no gradient
        }
        return FusedOps.linear(x, w, bias);
    }

    /** The host path: the weight decoded in Java (also used for merging). */
    @Override
    public NDArray denseWeight(NDManager m) {
        return scratch.dequantize(m, weight);
    }

    /** The codes and scales on {@code device}, uploaded on first use. */
    synchronized DeviceNf4Weight deviceWeight(Device device) {
        return onDevice.computeIfAbsent(device, d -> new DeviceNf4Weight(weight, owner.newSubManager(d)));
    }

    /** Where later forwards decode; the default comes from {@link Nf4DequantPath#configured()}. */
    public void setDequantPath(Nf4DequantPath path) {
        this.path = Objects.requireNonNull(path, "path");
    }

    public Nf4DequantPath dequantPath() {
        return path;
    }

    @Override
    public NDArray bias() {
        return bias;
    }

    public Nf4Tensor quantizedWeight() {
        return weight;
    }

    @Override
    public int inFeatures() {
        return (int) weight.shape()[1];
    }

    @Override
    public int outFeatures() {
        return (int) weight.shape()[0];
    }
}
