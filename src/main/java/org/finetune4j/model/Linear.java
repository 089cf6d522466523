package org.finetune4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import org.finetune4j.model.kernels.FusedOps;

/**
 * {@code y = x·Wᵀ + b} with HF's layout: {@code weight} is {@code (out, in)}, {@code bias} {@code (out)}.
 */
public final class Linear extends LinearLayer {
    private final Parameter weight;
    private final Parameter bias;
    private final int in;
    private final int out;

    /**
     * @param weight (out, in)
     * @param bias   (out), or null
     */
    public Linear(NDArray weight, NDArray bias, boolean trainable) {
        if (weight.getShape().dimension() != 2) {
            throw new IllegalArgumentException("linear weight must be 2-D, got " + weight.getShape());
        }
        this.out = (int) weight.getShape().get(0);
        this.in = (int) weight.getShape().get(1);
        if (bias != null && bias.getShape().size() != out) {
            throw new IllegalArgumentException("bias " + bias.getShape() + " does not match weight " + weight.getShape());
        }
        this.weight = registerParameter("weight", weight, trainable);
        this.bias = bias == null ? null : registerParameter("bias", bias, trainable);
    }

    @Override
    public NDArray forward(NDArray x) {
        // (…, in) · (out, in)ᵀ -> (…, out); torch.nn.functional.linear, no explicit transpose
        return FusedOps.linear(x, weight.getArray(), bias == null ? null : bias.getArray());
    }

    public NDArray weight() {
        return weight.getArray();
    }

    @Override
    public NDArray denseWeight(ai.djl.ndarray.NDManager m) {
        return weight.getArray();
    }

    /** The bias, or null. */
    @Override
    public NDArray bias() {
        return bias == null ? null : bias.getArray();
    }

    public Parameter weightParameter() {
        return weight;
    }

    @Override
    public int inFeatures() {
        return in;
    }

    @Override
    public int outFeatures() {
        return out;
    }
}
