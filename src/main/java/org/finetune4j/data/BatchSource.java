package org.finetune4j.data;

/**
 * Micro-batches addressed by (epoch, index), so that a training run can be resumed at an exact
 * position: the order within an epoch is a pure function of the seed and the epoch number.
 */
public interface BatchSource {

    /** Micro-batches in one pass over the data. */
    int batchesPerEpoch();

    /** The {@code index}-th micro-batch of {@code epoch} (deterministic). */
    TokenBatch batch(int epoch, int index);
}
