package org.finetune4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Collection;

/** Global-norm gradient clipping, as {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradientClipping {
    private GradientClipping() {}

    /**
     * √(Σ‖g‖²) over all gradients, accumulated in double; NaN or infinity when any element is. Each
     * per-tensor norm is a temporary closed at once.
     */
    public static double globalNorm(Collection<NDArray> gradients) {
        double sumSq = 0;
        for (NDArray g : gradients) {
            try (NDArray n = g.norm(); NDArray wide = n.toType(DataType.FLOAT64, true)) {
                double v = wide.getDouble();
                sumSq += v * v;
            }
        }
        return Math.sqrt(sumSq);
    }

    /**
     * Scales every gradient in place by {@code maxNorm / (norm + 1e-6)} when the global norm exceeds
     * {@code maxNorm}.
     *
     * @param norm the gradients' global norm ({@link #globalNorm})
     * @return the factor applied (1 when not clipped)
     */
    public static double clip(Collection<NDArray> gradients, double norm, double maxNorm) {
        if (maxNorm <= 0 || !(norm > maxNorm)) {
            return 1;
        }
        double coef = maxNorm / (norm + 1e-6);
        for (NDArray g : gradients) {
            g.muli(coef);
        }
        return coef;
    }
}
