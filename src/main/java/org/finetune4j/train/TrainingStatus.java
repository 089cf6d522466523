package org.finetune4j.train;

/** How a training run ended. */
public enum TrainingStatus {
    /** Every planned step ran. */
    COMPLETED,
    /** Validation loss stopped improving for {@code earlyStoppingPatience} evaluations. */
    EARLY_STOPPED,
    /** {@link Trainer#stop()} or a thread interrupt; a checkpoint was saved when a directory was set. */
    INTERRUPTED,
    /** {@code maxConsecutiveBadSteps} non-finite steps in a row; the last good checkpoint is kept. */
    FAILED_NON_FINITE
}
