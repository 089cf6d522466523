package org.finetune4j.train;

/** Receives training progress on the training thread; every method is optional. */
public interface TrainingListener {

    /**
     * @param startStep  steps already done (0, or the resumed checkpoint's step)
     * @param totalSteps steps the run plans to reach
     */
    default void onTrainStart(int startStep, int totalSteps) {}

    default void onStepEnd(StepEvent event) {}

    default void onEvaluation(EvalEvent event) {}

    default void onCheckpoint(CheckpointEvent event) {}

    default void onTrainEnd(TrainingResult result) {}
}
