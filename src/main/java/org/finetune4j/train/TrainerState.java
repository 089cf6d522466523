package org.finetune4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Everything besides tensors that an exact resume needs; stored as {@code trainer_state.json}.
 *
 * @param step                   optimizer steps completed
 * @param epoch                  epoch of the next micro-batch
 * @param indexInEpoch           index of the next micro-batch within {@code epoch}
 * @param totalSteps             planned steps (the schedule's horizon)
 * @param seed                   run seed
 * @param learningRate           learning rate of the last step (for humans; the schedule recomputes it)
 * @param bestValidationLoss     lowest validation loss so far (NaN if none; stored as null)
 * @param bestStep               its step (-1 if none)
 * @param lastValidationLoss     latest validation loss (NaN if none)
 * @param evalsWithoutImprovement evaluations since the best one
 * @param consecutiveBadSteps    non-finite steps in a row at the end
 * @param totalBadSteps          non-finite steps in the run
 * @param tokens                 non-padding tokens trained on
 * @param elapsedMillis          training time so far
 * @param lossHistory            per-step loss (null entries for skipped steps)
 * @param config                 echo of the {@link TrainerConfig} (informational)
 */
public record TrainerState(int step, int epoch, int indexInEpoch, int totalSteps, long seed, double learningRate,
        Double bestValidationLoss, int bestStep, Double lastValidationLoss, int evalsWithoutImprovement,
        int consecutiveBadSteps, int totalBadSteps, long tokens, long elapsedMillis, List<Double> lossHistory,
        JsonNode config) {}
