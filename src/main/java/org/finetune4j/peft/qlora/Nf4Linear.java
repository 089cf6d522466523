package org.finetune4j.peft.qlora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.finetune4j.model.LinearLayer;

/**
 * A frozen linear layer whose weight is stored as 4-bit NormalFloat and dequantised on the fly for
 * each forward (torchtune's "QLoRA = LoRA over a quantised base"). It has no trainable tensors; the
 * packed codes and scales live on the Java heap at ≈4.13 bits per weight.
 */
public final class Nf4Linear extends LinearLayer {
    private final Nf4Tensor weight;
    private final NDArray bias;
    private final DequantScratch scratch;

    /**
     * @param weight  the quantised (out, in) weight
     * @param bias    (out) or null, kept dense and frozen
     * @param scratch reusable buffers of at least out·in floats (shared by all layers of a model)
     */
    public Nf4Linear(Nf4Tensor weight, NDArray bias, DequantScratch scratch) {
        if (weight.shape().length != 2) {
            throw new IllegalArgumentException("NF4 linear weight must be 2-D");
        }
        this.weight = weight;
        this.bias = bias;
        this.scratch = scratch;
        if (bias != null) {
            registerParameter("bias", bias, false);
        }
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray w = denseWeight(x.getManager()); // (out, in) float32, freed with the step
        if (w.getDataType() != x.getDataType()) {
            w = w.toType(x.getDataType(), false); // a frozen weight: the cast needs no gradient
        }
        return x.getNDArrayInternal().linear(x, w, bias).singletonOrThrow();
    }

    @Override
    public NDArray denseWeight(NDManager m) {
        return scratch.dequantize(m, weight);
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
