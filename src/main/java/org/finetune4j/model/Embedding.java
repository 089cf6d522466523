package org.finetune4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;

/**
 * Token embedding table: {@code weight} is {@code (V, D)}; ids {@code (B, T)} -> {@code (B, T, D)}.
 *
 * <p>Optionally adds NEFTune noise (Jain et al. 2023, TRL's {@code neftune_noise_alpha}): uniform noise in
 * {@code [-α/√(T·D), α/√(T·D)]} on every embedding of the forward, where T is the length of the rows — a
 * regulariser for instruction fine-tuning. Off ({@code α = 0}) unless a trainer turns it on for its training
 * forwards ({@code PeftModel.setTraining}); generation never sees it.
 */
public final class Embedding extends Module {
    private final Parameter weight;
    private float noiseAlpha;

    public Embedding(NDArray weight, boolean trainable) {
        this.weight = registerParameter("weight", weight, trainable);
    }

    /** ids (B, T) int64 -> (B, T, D), plus the NEFTune noise while it is on. The result lives in the ids' manager. */
    public NDArray forward(NDArray ids) {
        NDArray e = ids.getNDArrayInternal().embedding(ids, weight.getArray(), SparseFormat.DENSE).singletonOrThrow();
        if (noiseAlpha == 0) {
            return e;
        }
        long t = e.getShape().get(1);
        float bound = (float) (noiseAlpha / Math.sqrt((double) t * dim()));
        // A creation op, not a Number op on a recorded tensor: safe for gradients (notes §0). Libtorch's generator,
        // which the trainer seeds every step, draws it.
        return e.add(ids.getManager().randomUniform(-bound, bound, e.getShape(), e.getDataType())); // (B, T, D)
    }

    /** NEFTune's α (0 = off, the default; TRL suggests 5 to 15). */
    public void setNoiseAlpha(double alpha) {
        this.noiseAlpha = (float) requireNoiseAlpha(alpha);
    }

    /** {@code alpha} if it is a valid NEFTune α (finite, ≥ 0); the one check for every place that takes one. */
    public static double requireNoiseAlpha(double alpha) {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("NEFTune alpha must be a finite number >= 0, got " + alpha);
        }
        return alpha;
    }

    public NDArray weight() {
        return weight.getArray();
    }

    public int vocabSize() {
        return (int) weight.getArray().getShape().get(0);
    }

    public int dim() {
        return (int) weight.getArray().getShape().get(1);
    }
}
