package org.finetune4j.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.finetune4j.data.BatchSource;
import org.finetune4j.data.TokenBatch;

/**
 * The training loop: gradient accumulation, non-finite step skipping, global-norm clipping, AdamW with a
 * warm-up schedule, periodic validation with early stopping, and exact, resumable checkpoints.
 *
 * <p><b>One optimizer step.</b> The next {@code microBatchesPerStep} micro-batches are taken from the
 * {@link BatchSource} at position (epoch, index) — a step never spans two epochs, so the last step of an
 * epoch may have fewer micro-batches. Their targets are counted first, then each micro-batch runs in its
 * own sub-manager with {@code scale = 1 / targets of the whole step}, so the step's loss is the token mean
 * over the step (not a mean of micro-batch means; chat-data §2.2). The gradients are then read once
 * (each wrapper attached to a scratch manager and closed with it), checked for NaN/infinity through their
 * global norm, clipped, and applied; finally every gradient is zeroed in place with
 * {@code JniUtils.zeroGrad}. Nothing per-step stays in the parameters' manager.
 *
 * <p><b>Determinism.</b> Before each step the engine RNG is seeded from (seed, step), so dropout masks do
 * not depend on whether the run was resumed; the data order depends only on the {@link BatchSource}.
 *
 * <p><b>Stopping.</b> {@link #stop()} (from any thread, for example a listener or a shutdown hook) or an
 * interrupt of the training thread ends the run after the current step with status INTERRUPTED and a
 * checkpoint. With {@code optStopOnShutdown(true)} a JVM shutdown hook (Ctrl-C, SIGTERM) requests the stop
 * and waits up to {@code shutdownGrace} for that checkpoint to be written; SIGKILL cannot be caught.
 *
 * <p>The trainer runs on the calling thread; DJL allows one gradient collector per process, so do not
 * train two models at once. A trainer runs once: call {@link #fit()} or {@link #resume(Path)} one time.
 */
public final class Trainer {
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private final Map<String, Parameter> params;
    private final GradientComputer computer;
    private final BatchSource train;
    private final BatchSource validation;
    private final TrainerConfig config;
    private final EvalMetric metric;
    private final List<TrainingListener> listeners;
    private final boolean stopOnShutdown;
    private final Duration shutdownGrace;
    private final NDManager root;
    private final AdamW optimizer;
    private final CheckpointStore store;
    private final int totalSteps;
    private final int warmupSteps;
    private volatile boolean stopRequested;
    private boolean started;

    // run state
    private int step;
    private int epoch;
    private int index;
    private double lastLr;
    private double bestVal = Double.NaN;
    private int bestStep = -1;
    private double lastVal = Double.NaN;
    private int evalsWithoutImprovement;
    private int consecutiveBad;
    private int totalBad;
    private long tokens;
    private long elapsedBeforeMillis;
    private long startNanos;
    private final List<Double> lossHistory = new ArrayList<>();
    private Path lastCheckpoint;
    private int lastSavedStep = -1;
    private int lastEvalStep = -1;

    private Trainer(Builder b) {
        Map<String, Parameter> trainable = new LinkedHashMap<>();
        b.params.forEach((n, p) -> {
            if (p.requiresGradient()) {
                trainable.put(n, p);
            }
        });
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("none of the " + b.params.size() + " parameters is trainable");
        }
        this.params = Collections.unmodifiableMap(trainable);
        this.computer = b.computer;
        this.train = b.train;
        this.validation = b.validation;
        this.config = b.config;
        this.metric = b.metric;
        this.listeners = List.copyOf(b.listeners);
        this.stopOnShutdown = b.stopOnShutdown;
        this.shutdownGrace = b.shutdownGrace;
        this.root = trainable.values().iterator().next().getArray().getManager();
        this.optimizer = AdamW.builder().setParameters(trainable).optBetas(config.beta1(), config.beta2())
                .optEps(config.eps()).optWeightDecay(config.weightDecay())
                .optDecayOneDimensional(config.decayOneDimensional()).build();
        this.store = config.checkpointDir() == null ? null
                : new CheckpointStore(config.checkpointDir(), config.keepLastCheckpoints());
        int perEpoch = (train.batchesPerEpoch() + config.microBatchesPerStep() - 1) / config.microBatchesPerStep();
        int total = Math.multiplyExact(perEpoch, config.epochs());
        this.totalSteps = config.maxSteps() > 0 ? Math.min(total, config.maxSteps()) : total;
        this.warmupSteps = config.effectiveWarmupSteps(totalSteps);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Asks the loop to stop after the current step (thread-safe); the run ends INTERRUPTED. */
    public void stop() {
        stopRequested = true;
    }

    public boolean isStopRequested() {
        return stopRequested;
    }

    /** Optimizer steps this run plans. */
    public int totalSteps() {
        return totalSteps;
    }

    /** The trainable parameters, by name. */
    public Map<String, Parameter> parameters() {
        return params;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public TrainerConfig config() {
        return config;
    }

    /** Trains from step 0. */
    public TrainingResult fit() {
        begin();
        return run();
    }

    /**
     * Continues from a checkpoint: restores the trainable parameters in place, the optimizer state and the
     * position in the data, then trains to the end.
     *
     * @param checkpoint a {@code checkpoint-<step>} directory, or a directory of them (the newest is used)
     * @throws UncheckedIOException wrapping a {@link CheckpointException} that names the bad file
     */
    public TrainingResult resume(Path checkpoint) {
        begin();
        try {
            Path dir = checkpoint;
            if (!Files.isRegularFile(dir.resolve(CheckpointStore.STATE))) {
                dir = CheckpointStore.latest(checkpoint).orElseThrow(() -> new CheckpointException(
                        "no checkpoint-<step> directory with " + CheckpointStore.STATE + " in " + checkpoint));
            }
            TrainerState s = CheckpointStore.restore(dir, params, optimizer);
            if (s.totalSteps() != totalSteps) {
                throw new IllegalStateException("checkpoint " + dir + " was made for " + s.totalSteps()
                        + " steps but this run plans " + totalSteps + "; the schedule would change");
            }
            step = s.step();
            epoch = s.epoch();
            index = s.indexInEpoch();
            lastLr = s.learningRate();
            bestVal = s.bestValidationLoss() == null ? Double.NaN : s.bestValidationLoss();
            bestStep = s.bestStep();
            lastVal = s.lastValidationLoss() == null ? Double.NaN : s.lastValidationLoss();
            evalsWithoutImprovement = s.evalsWithoutImprovement();
            consecutiveBad = s.consecutiveBadSteps();
            totalBad = s.totalBadSteps();
            tokens = s.tokens();
            elapsedBeforeMillis = s.elapsedMillis();
            for (Double l : s.lossHistory()) {
                lossHistory.add(l == null ? Double.NaN : l);
            }
            lastCheckpoint = dir;
            lastSavedStep = step;
            lastEvalStep = bestStep == step ? step : -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return run();
    }

    private void begin() {
        if (started) {
            throw new IllegalStateException("a Trainer runs once; build a new one");
        }
        started = true;
    }

    private TrainingResult run() {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = stopOnShutdown ? new Thread(() -> {
            stop();
            try {
                finished.await(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "finetune4j-trainer-shutdown") : null;
        if (hook != null) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        try {
            TrainingResult r = loop();
            listeners.forEach(l -> l.onTrainEnd(r));
            return r;
        } finally {
            finished.countDown();
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running; it is released by the latch
                }
            }
        }
    }

    private TrainingResult loop() {
        startNanos = System.nanoTime();
        int startStep = step;
        listeners.forEach(l -> l.onTrainStart(startStep, totalSteps));
        boolean interrupted = false;
        boolean byThreadInterrupt = false;
        while (step < totalSteps) {
            if (stopRequested) {
                interrupted = true;
                break;
            }
            if (Thread.interrupted()) { // clears the flag, so the checkpoint's file channels still work
                interrupted = true;
                byThreadInterrupt = true;
                break;
            }
            StepEvent event = trainStep();
            if (event.skipped() || step % config.logEverySteps() == 0 || step == totalSteps) {
                listeners.forEach(l -> l.onStepEnd(event));
            }
            if (event.skipped() && consecutiveBad >= config.maxConsecutiveBadSteps()) {
                return result(TrainingStatus.FAILED_NON_FINITE);
            }
            boolean early = false;
            if (config.evalEverySteps() > 0 && step % config.evalEverySteps() == 0) {
                early = evaluate();
            }
            if (config.checkpointEverySteps() > 0 && step % config.checkpointEverySteps() == 0) {
                checkpoint();
            }
            if (early) {
                checkpoint();
                return result(TrainingStatus.EARLY_STOPPED);
            }
        }
        if (interrupted) {
            checkpoint();
            if (byThreadInterrupt) {
                Thread.currentThread().interrupt(); // restore the flag for the caller
            }
            return result(TrainingStatus.INTERRUPTED);
        }
        if (lastEvalStep != step && (validation != null || metric != null)) {
            evaluate();
        }
        checkpoint();
        return result(TrainingStatus.COMPLETED);
    }

    private StepEvent trainStep() {
        long t0 = System.nanoTime();
        int stepEpoch = epoch;
        int n = Math.min(config.microBatchesPerStep(), train.batchesPerEpoch() - index);
        List<TokenBatch> batches = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            batches.add(train.batch(epoch, index + i));
        }
        index += n;
        if (index >= train.batchesPerEpoch()) {
            epoch++;
            index = 0;
        }
        long targets = 0;
        long stepTokens = 0;
        for (TokenBatch b : batches) {
            targets += b.targetCount();
            stepTokens += b.tokenCount();
        }
        Engine.getInstance().setRandomSeed(stepSeed(config.seed(), step));
        double lossSum = 0;
        if (targets > 0) {
            float scale = (float) (1.0 / targets);
            for (TokenBatch b : batches) {
                try (NDManager micro = root.newSubManager()) {
                    lossSum += computer.accumulateGradients(b, scale, micro);
                }
            }
        }
        double loss = targets > 0 ? lossSum / targets : Double.NaN;
        double lr = new LearningRateSchedule(config.schedule(), config.learningRate(), warmupSteps).lr(step, totalSteps);
        double norm;
        boolean skipped;
        JniUtils.setGradMode(false);
        try (NDManager scratch = root.newSubManager()) {
            Map<String, NDArray> grads = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray g = e.getValue().getArray().getGradient(); // a new wrapper in the parameters' manager
                g.attach(scratch);
                grads.put(e.getKey(), g);
            }
            norm = GradientClipping.globalNorm(grads.values());
            skipped = !Double.isFinite(loss) || !Double.isFinite(norm);
            if (!skipped) {
                GradientClipping.clip(grads.values(), norm, config.maxGradNorm());
                optimizer.update(lr, grads);
            }
        }
        for (Parameter p : params.values()) {
            JniUtils.zeroGrad((PtNDArray) p.getArray());
        }
        step++;
        if (skipped) {
            consecutiveBad++;
            totalBad++;
            lossHistory.add(Double.NaN);
        } else {
            consecutiveBad = 0;
            lastLr = lr;
            tokens += stepTokens;
            lossHistory.add(loss);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new StepEvent(step, stepEpoch, loss, skipped ? 0 : lr, norm, stepTokens,
                seconds > 0 ? stepTokens / seconds : 0, elapsed(), skipped);
    }

    /** Engine seed of a step: a mix of the run seed and the step index, folded to an int. */
    static int stepSeed(long seed, int step) {
        long z = seed * 0x9E3779B97F4A7C15L + step + 1;
        z = (z ^ (z >>> 31)) * 0xBF58476D1CE4E5B9L;
        z ^= z >>> 29;
        return (int) (z ^ (z >>> 32)) & 0x7fffffff;
    }

    /** Runs validation and the metric; returns true when early stopping triggers. */
    private boolean evaluate() {
        lastEvalStep = step;
        double val = validation == null ? Double.NaN : ValidationLoss.mean(computer, validation, root);
        Map<String, Double> metrics = metric == null ? Map.of() : metric.evaluate(step);
        boolean improved = Double.isFinite(val) && (Double.isNaN(bestVal) || val < bestVal);
        if (improved) {
            bestVal = val;
            bestStep = step;
            evalsWithoutImprovement = 0;
        } else if (validation != null) {
            evalsWithoutImprovement++;
        }
        lastVal = val;
        EvalEvent e = new EvalEvent(step, val, metrics, bestVal, bestStep, improved);
        listeners.forEach(l -> l.onEvaluation(e));
        return config.earlyStoppingPatience() > 0 && evalsWithoutImprovement >= config.earlyStoppingPatience();
    }

    private void checkpoint() {
        if (store == null || lastSavedStep == step) {
            return;
        }
        try {
            lastCheckpoint = store.save(state(), params, optimizer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save checkpoint of step " + step + " in " + store.root(), e);
        }
        lastSavedStep = step;
        CheckpointEvent e = new CheckpointEvent(step, lastCheckpoint);
        listeners.forEach(l -> l.onCheckpoint(e));
    }

    private TrainerState state() {
        JsonNode echo = JSON.valueToTree(config);
        return new TrainerState(step, epoch, index, totalSteps, config.seed(), lastLr,
                Double.isNaN(bestVal) ? null : bestVal, bestStep, Double.isNaN(lastVal) ? null : lastVal,
                evalsWithoutImprovement, consecutiveBad, totalBad, tokens, elapsed().toMillis(),
                lossHistory.stream().map(l -> Double.isFinite(l) ? l : null).toList(), echo);
    }

    private Duration elapsed() {
        return Duration.ofMillis(elapsedBeforeMillis).plusNanos(System.nanoTime() - startNanos);
    }

    private TrainingResult result(TrainingStatus status) {
        double finalLoss = Double.NaN;
        for (int i = lossHistory.size() - 1; i >= 0; i--) {
            if (Double.isFinite(lossHistory.get(i))) {
                finalLoss = lossHistory.get(i);
                break;
            }
        }
        long count = 0;
        for (Parameter p : params.values()) {
            count += p.getArray().size();
        }
        return new TrainingResult(status, step, totalSteps, finalLoss, bestVal, bestStep, lastVal, elapsed(), tokens,
                totalBad, count, optimizer.stateBytes(), lossHistory, lastCheckpoint);
    }

    /** DJL-style builder. */
    public static final class Builder {
        private Map<String, Parameter> params;
        private GradientComputer computer;
        private BatchSource train;
        private BatchSource validation;
        private TrainerConfig config;
        private EvalMetric metric;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private boolean stopOnShutdown;
        private Duration shutdownGrace = Duration.ofSeconds(60);

        private Builder() {}

        /** Parameters to train, by name; frozen ones (no gradient required) are ignored. */
        public Builder setParameters(Map<String, Parameter> trainable) {
            this.params = trainable;
            return this;
        }

        public Builder setGradientComputer(GradientComputer computer) {
            this.computer = computer;
            return this;
        }

        public Builder setTrainData(BatchSource train) {
            this.train = train;
            return this;
        }

        /** Validation micro-batches (epoch 0 of the source is used). */
        public Builder optValidationData(BatchSource validation) {
            this.validation = validation;
            return this;
        }

        public Builder setConfig(TrainerConfig config) {
            this.config = config;
            return this;
        }

        /** Extra numbers at each evaluation. */
        public Builder optMetric(EvalMetric metric) {
            this.metric = metric;
            return this;
        }

        public Builder addListener(TrainingListener listener) {
            listeners.add(listener);
            return this;
        }

        /**
         * Registers a JVM shutdown hook during the run that requests {@link #stop()} and waits up to
         * {@code grace} for the checkpoint of the interrupted run.
         */
        public Builder optStopOnShutdown(boolean enabled, Duration grace) {
            this.stopOnShutdown = enabled;
            this.shutdownGrace = grace;
            return this;
        }

        public Trainer build() {
            if (params == null || computer == null || train == null || config == null) {
                throw new IllegalStateException("setParameters, setGradientComputer, setTrainData and setConfig are required");
            }
            return new Trainer(this);
        }
    }
}
