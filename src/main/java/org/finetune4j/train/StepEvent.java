package org.finetune4j.train;

import java.time.Duration;

/**
 * One optimizer step.
 *
 * @param step      steps completed, this one included (1-based)
 * @param epoch     epoch the step's micro-batches came from (0-based)
 * @param loss      Σ token losses / targets over all micro-batches of the step (NaN/inf when skipped)
 * @param lr        learning rate used (0 when skipped)
 * @param gradNorm  global L2 norm of the gradients before clipping
 * @param tokens    non-padding tokens in the step
 * @param tokensPerSecond tokens / wall time of the step
 * @param elapsed   training time so far, including the time before a resume
 * @param skipped   true when the step was non-finite and no update was made
 */
public record StepEvent(int step, int epoch, double loss, double lr, double gradNorm, long tokens,
        double tokensPerSecond, Duration elapsed, boolean skipped) {}
