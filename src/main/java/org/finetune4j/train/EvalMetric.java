package org.finetune4j.train;

import java.util.Map;

/**
 * Extra numbers computed at each evaluation (for example JSON accuracy on generated answers). Called
 * on the training thread between steps, with no gradient collector open.
 */
@FunctionalInterface
public interface EvalMetric {
    /** Named values for the model as it is after {@code step} steps. */
    Map<String, Double> evaluate(int step);
}
