package org.finetune4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import org.finetune4j.model.kernels.FusedKernel;
import org.finetune4j.model.kernels.FusedOps;

/**
 * LlamaRMSNorm: {@code weight ⊙ x / sqrt(mean(x²) + eps)}, no mean subtraction, no bias. The statistics
 * are computed in float32 and the result cast back before the weight multiplies it, as HF does.
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
        boolean half = t == ai.djl.ndarray.types.DataType.FLOAT16 || t == ai.djl.ndarray.types.DataType.BFLOAT16;
        NDArray xf = half ? x.toType(ai.djl.ndarray.types.DataType.FLOAT32, false) : x;
        NDArray variance = xf.square().mean(new int[] {-1}, true); // (…, 1)
        NDArray y = xf.div(variance.add(eps).sqrt()); // a 0-d eps does not change the float32 result type
        if (half) {
            y = y.toType(t, false);
        }
        return y.mul(weight.getArray());
    }

    public NDArray weight() {
        return weight.getArray();
    }
}
