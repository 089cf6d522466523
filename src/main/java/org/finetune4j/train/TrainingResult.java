package org.finetune4j.train;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Outcome of {@link Trainer#fit()} or {@link Trainer#resume(Path)}.
 *
 * @param status                   how the run ended
 * @param steps                    optimizer steps completed (including skipped ones and those before a resume)
 * @param totalSteps               steps the run planned
 * @param finalLoss                loss of the last finite step (NaN if none)
 * @param bestValidationLoss       lowest validation loss (NaN if never evaluated)
 * @param bestStep                 step of {@code bestValidationLoss} (-1 if never evaluated)
 * @param lastValidationLoss       most recent validation loss (NaN if never evaluated)
 * @param elapsed                  training time, including the time before a resume
 * @param tokens                   non-padding tokens trained on
 * @param badSteps                 non-finite steps skipped in the whole run
 * @param trainableParameters      scalar values the optimizer updates
 * @param optimizerStateBytes      bytes of AdamW's m and v (2 × 4 × trainableParameters for F32)
 * @param lossHistory              loss of every step so far, index = step − 1 (NaN for skipped steps)
 * @param lastCheckpoint           newest checkpoint written or resumed from; {@code null} if none
 */
public record TrainingResult(TrainingStatus status, int steps, int totalSteps, double finalLoss,
        double bestValidationLoss, int bestStep, double lastValidationLoss, Duration elapsed, long tokens,
        int badSteps, long trainableParameters, long optimizerStateBytes, List<Double> lossHistory,
        Path lastCheckpoint) {
    public TrainingResult {
        lossHistory = List.copyOf(lossHistory);
    }
}
