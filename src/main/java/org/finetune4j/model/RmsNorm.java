package org.finetune4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import org.finetune4j.model.kernels.FusedKernel;
import org.finetune4j.model.kernels.FusedOps;

/**
 * LlamaRMSNorm: {@code weight ⊙ x / sqrt(mean(x²) + eps)}, no mean subtraction, no bias.
 *
 * <p>Half-precision inputs stay in their dtype: HF upcasts to float32 and casts back, but DJL's
 * {@code toType} runs without autograd, so a cast inside the graph would cut the gradient. libtorch's
 * mean of a float16 tensor accumulates in float32 anyway; only the rounding of x² and of the result to
 * float16 differs from HF (relative 2⁻¹¹).
 */
public final class RmsNorm extends Module {
    private final Parameter weight;
    private final NDArray eps;

    public RmsNorm(NDArray weight, float eps, Scalars scalars, boolean trainable) {
        this.weight = registerParameter("weight", weight, trainable);
        this.eps = scalars.of(eps);
    }

    /** (…, D) -> (…, D). */
    public NDArray forward(NDArray x) {
        ai.djl.ndarray.types.DataType t = x.getDataType();
        if (FusedOps.isActive(FusedKernel.RMS_NORM, t)) {
            return FusedOps.rmsNorm(x, weight.getArray(), eps);
        }
        NDArray variance = x.square().mean(new int[] {-1}, true); // (…, 1)
        NDArray y = x.div(variance.add(eps).sqrt()); // a 0-d eps does not change the result type
        return y.mul(weight.getArray());
    }

    public NDArray weight() {
        return weight.getArray();
    }
}
