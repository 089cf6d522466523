package org.finetune4j.train;

import java.nio.file.Path;

/**
 * Hyper-parameters and bookkeeping of one training run.
 *
 * @param learningRate           peak learning rate
 * @param weightDecay            decoupled weight decay (AdamW)
 * @param beta1                  Adam β1
 * @param beta2                  Adam β2
 * @param eps                    Adam ε
 * @param decayOneDimensional    also decay 1-D tensors (biases, norm scales)
 * @param schedule               learning-rate curve after warm-up
 * @param warmupSteps            warm-up steps; when 0, {@code warmupRatio × total steps} (rounded up)
 * @param warmupRatio            fraction of the run used for warm-up when {@code warmupSteps} is 0
 * @param epochs                 passes over the training data
 * @param maxSteps               cap on optimizer steps (0 = no cap)
 * @param microBatchesPerStep    gradient accumulation: micro-batches per optimizer step
 * @param maxGradNorm            clip gradients to this global L2 norm (0 = off)
 * @param evalEverySteps         validate every N steps (0 = only at the end)
 * @param earlyStoppingPatience  stop after this many evaluations without improvement (0 = off)
 * @param checkpointEverySteps   save every N steps (0 = only at the end / on interruption)
 * @param keepLastCheckpoints    keep the newest K checkpoints (0 = keep all)
 * @param checkpointDir          where checkpoints go; {@code null} = none
 * @param seed                   seeds the engine RNG per step (dropout) and nothing else
 * @param maxConsecutiveBadSteps non-finite steps in a row that end the run
 * @param logEverySteps          listeners' {@code onStepEnd} every N steps (skipped and last steps always)
 */
public record TrainerConfig(double learningRate, double weightDecay, double beta1, double beta2, double eps,
        boolean decayOneDimensional, ScheduleType schedule, int warmupSteps, double warmupRatio, int epochs,
        int maxSteps, int microBatchesPerStep, double maxGradNorm, int evalEverySteps, int earlyStoppingPatience,
        int checkpointEverySteps, int keepLastCheckpoints, Path checkpointDir, long seed,
        int maxConsecutiveBadSteps, int logEverySteps) {

    public TrainerConfig {
        require(learningRate >= 0 && Double.isFinite(learningRate), "learningRate", learningRate);
        require(weightDecay >= 0, "weightDecay", weightDecay);
        require(beta1 >= 0 && beta1 < 1, "beta1", beta1);
        require(beta2 >= 0 && beta2 < 1, "beta2", beta2);
        require(eps > 0, "eps", eps);
        require(schedule != null, "schedule", schedule);
        require(warmupSteps >= 0, "warmupSteps", warmupSteps);
        require(warmupRatio >= 0 && warmupRatio <= 1, "warmupRatio", warmupRatio);
        require(epochs >= 1, "epochs", epochs);
        require(maxSteps >= 0, "maxSteps", maxSteps);
        require(microBatchesPerStep >= 1, "microBatchesPerStep", microBatchesPerStep);
        require(maxGradNorm >= 0, "maxGradNorm", maxGradNorm);
        require(evalEverySteps >= 0, "evalEverySteps", evalEverySteps);
        require(earlyStoppingPatience >= 0, "earlyStoppingPatience", earlyStoppingPatience);
        require(checkpointEverySteps >= 0, "checkpointEverySteps", checkpointEverySteps);
        require(keepLastCheckpoints >= 0, "keepLastCheckpoints", keepLastCheckpoints);
        require(maxConsecutiveBadSteps >= 1, "maxConsecutiveBadSteps", maxConsecutiveBadSteps);
        require(logEverySteps >= 1, "logEverySteps", logEverySteps);
    }

    private static void require(boolean ok, String name, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("invalid TrainerConfig." + name + ": " + value);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.learningRate = learningRate;
        b.weightDecay = weightDecay;
        b.beta1 = beta1;
        b.beta2 = beta2;
        b.eps = eps;
        b.decayOneDimensional = decayOneDimensional;
        b.schedule = schedule;
        b.warmupSteps = warmupSteps;
        b.warmupRatio = warmupRatio;
        b.epochs = epochs;
        b.maxSteps = maxSteps;
        b.microBatchesPerStep = microBatchesPerStep;
        b.maxGradNorm = maxGradNorm;
        b.evalEverySteps = evalEverySteps;
        b.earlyStoppingPatience = earlyStoppingPatience;
        b.checkpointEverySteps = checkpointEverySteps;
        b.keepLastCheckpoints = keepLastCheckpoints;
        b.checkpointDir = checkpointDir;
        b.seed = seed;
        b.maxConsecutiveBadSteps = maxConsecutiveBadSteps;
        b.logEverySteps = logEverySteps;
        return b;
    }

    /** Warm-up steps for a run of {@code totalSteps}. */
    public int effectiveWarmupSteps(int totalSteps) {
        return warmupSteps > 0 ? warmupSteps : (int) Math.ceil(warmupRatio * totalSteps);
    }

    /** Defaults: lr 2e-4, wd 0, betas (0.9, 0.999), eps 1e-8, linear, 1 epoch, no clipping, keep 3. */
    public static final class Builder {
        private double learningRate = 2e-4;
        private double weightDecay;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private boolean decayOneDimensional;
        private ScheduleType schedule = ScheduleType.LINEAR;
        private int warmupSteps;
        private double warmupRatio;
        private int epochs = 1;
        private int maxSteps;
        private int microBatchesPerStep = 1;
        private double maxGradNorm;
        private int evalEverySteps;
        private int earlyStoppingPatience;
        private int checkpointEverySteps;
        private int keepLastCheckpoints = 3;
        private Path checkpointDir;
        private long seed = 42;
        private int maxConsecutiveBadSteps = 5;
        private int logEverySteps = 1;

        private Builder() {}

        public Builder setLearningRate(double v) {
            learningRate = v;
            return this;
        }

        public Builder optWeightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder optBetas(double b1, double b2) {
            beta1 = b1;
            beta2 = b2;
            return this;
        }

        public Builder optEps(double v) {
            eps = v;
            return this;
        }

        public Builder optDecayOneDimensional(boolean v) {
            decayOneDimensional = v;
            return this;
        }

        public Builder optSchedule(ScheduleType v) {
            schedule = v;
            return this;
        }

        public Builder optWarmupSteps(int v) {
            warmupSteps = v;
            return this;
        }

        public Builder optWarmupRatio(double v) {
            warmupRatio = v;
            return this;
        }

        public Builder optEpochs(int v) {
            epochs = v;
            return this;
        }

        public Builder optMaxSteps(int v) {
            maxSteps = v;
            return this;
        }

        public Builder optMicroBatchesPerStep(int v) {
            microBatchesPerStep = v;
            return this;
        }

        public Builder optMaxGradNorm(double v) {
            maxGradNorm = v;
            return this;
        }

        public Builder optEvalEverySteps(int v) {
            evalEverySteps = v;
            return this;
        }

        public Builder optEarlyStoppingPatience(int v) {
            earlyStoppingPatience = v;
            return this;
        }

        public Builder optCheckpointEverySteps(int v) {
            checkpointEverySteps = v;
            return this;
        }

        public Builder optKeepLastCheckpoints(int v) {
            keepLastCheckpoints = v;
            return this;
        }

        public Builder optCheckpointDir(Path v) {
            checkpointDir = v;
            return this;
        }

        public Builder optSeed(long v) {
            seed = v;
            return this;
        }

        public Builder optMaxConsecutiveBadSteps(int v) {
            maxConsecutiveBadSteps = v;
            return this;
        }

        public Builder optLogEverySteps(int v) {
            logEverySteps = v;
            return this;
        }

        public TrainerConfig build() {
            return new TrainerConfig(learningRate, weightDecay, beta1, beta2, eps, decayOneDimensional, schedule,
                    warmupSteps, warmupRatio, epochs, maxSteps, microBatchesPerStep, maxGradNorm, evalEverySteps,
                    earlyStoppingPatience, checkpointEverySteps, keepLastCheckpoints, checkpointDir, seed,
                    maxConsecutiveBadSteps, logEverySteps);
        }
    }
}
