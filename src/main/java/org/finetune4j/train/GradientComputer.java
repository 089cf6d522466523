package org.finetune4j.train;

import ai.djl.ndarray.NDManager;
import org.finetune4j.data.TokenBatch;

/**
 * Forward and backward for one micro-batch. Implementations differ in how they trade memory for
 * compute (plain backprop, or per-layer activation checkpointing); the trainer does not care which.
 */
public interface GradientComputer {

    /**
     * Accumulates into every trainable parameter's gradient the gradient of
     * {@code scale × Σ token losses} of {@code batch}.
     *
     * @param scale typically {@code 1 / targets in the whole optimizer step}
     * @param step  manager for this micro-batch's tensors; the caller closes it
     * @return the unscaled sum of token losses (for logging)
     */
    double accumulateGradients(TokenBatch batch, float scale, NDManager step);

    /** Sum of token losses without recording a graph (validation). */
    double lossSum(TokenBatch batch, NDManager step);
}
