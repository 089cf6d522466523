package org.finetune4j.train;

import java.util.Map;

/**
 * One evaluation.
 *
 * @param step            steps completed when it ran
 * @param validationLoss  Σ token losses / targets over the validation data (NaN without validation data)
 * @param metrics         values of the metric callback (empty without one)
 * @param bestValidationLoss best so far, this one included
 * @param bestStep        step of the best validation loss
 * @param improved        whether this evaluation set a new best
 */
public record EvalEvent(int step, double validationLoss, Map<String, Double> metrics, double bestValidationLoss,
        int bestStep, boolean improved) {
    public EvalEvent {
        metrics = Map.copyOf(metrics);
    }
}
