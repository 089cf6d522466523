package org.finetune4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.finetune4j.data.ListBatchSource;
import org.finetune4j.data.TokenBatch;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.safetensors.SafetensorsFile;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class TrainerTest {
    @TempDir
    Path dir;

    /** Records every event. */
    static final class Recorder implements TrainingListener {
        final List<StepEvent> steps = new ArrayList<>();
        final List<EvalEvent> evals = new ArrayList<>();
        final List<CheckpointEvent> checkpoints = new ArrayList<>();
        TrainingResult end;

        @Override
        public void onStepEnd(StepEvent e) {
            steps.add(e);
        }

        @Override
        public void onEvaluation(EvalEvent e) {
            evals.add(e);
        }

        @Override
        public void onCheckpoint(CheckpointEvent e) {
            checkpoints.add(e);
        }

        @Override
        public void onTrainEnd(TrainingResult r) {
            end = r;
        }
    }

    static Trainer.Builder trainer(LlamaForCausalLM model, List<TokenBatch> data, TrainerConfig cfg) {
        return Trainer.builder().setParameters(model.namedParameters()).setGradientComputer(new StandardBackprop(model))
                .setTrainData(new ListBatchSource(data, 3, true)).setConfig(cfg);
    }

    @Test
    void lossFallsOnAFixedBatch() {
        try (LlamaForCausalLM model = TinyModels.model(1)) {
            TokenBatch b = TinyModels.batch(5, 0, 3);
            TrainerConfig cfg = TrainerConfig.builder().setLearningRate(1e-2).optSchedule(ScheduleType.CONSTANT)
                    .optEpochs(15).build();
            Recorder rec = new Recorder();
            TrainingResult r = trainer(model, List.of(b), cfg).addListener(rec).build().fit();
            assertEquals(TrainingStatus.COMPLETED, r.status());
            assertEquals(15, r.steps());
            double first = rec.steps.get(0).loss();
            assertEquals(Math.log(TinyModels.VOCAB), first, 0.3); // near-uniform predictions at init
            assertTrue(r.finalLoss() < first / 2, "loss " + first + " -> " + r.finalLoss());
            assertEquals(15L * 2 * TinyModels.T, r.tokens());
            long count = model.parameterCount();
            assertEquals(count, r.trainableParameters());
            assertEquals(2 * 4 * count, r.optimizerStateBytes());
        }
    }

    @Test
    void accumulationDividesByTheTargetsOfTheWholeStep() {
        TokenBatch a = TinyModels.batch(11, 0, 9); // 15 + 7 targets
        TokenBatch b = TinyModels.batch(12, 12, 1); // 4 + 15 targets
        long[][] ids = concat(a.inputIds(), b.inputIds());
        long[][] labels = concat(a.labels(), b.labels());
        long[][] pos = concat(a.positions(), b.positions());
        int[][] seg = {a.segments()[0], a.segments()[1], b.segments()[0], b.segments()[1]};
        TokenBatch joined = new TokenBatch(ids, labels, seg, pos);
        // eps = 1 makes the first Adam step nearly proportional to the gradient, so its scale matters
        TrainerConfig cfg = TrainerConfig.builder().setLearningRate(0.1).optEps(1).optSchedule(ScheduleType.CONSTANT)
                .optMicroBatchesPerStep(2).build();
        try (LlamaForCausalLM split = TinyModels.model(2); LlamaForCausalLM whole = TinyModels.model(2);
                LlamaForCausalLM init = TinyModels.model(2)) {
            Map<String, float[]> before = TinyModels.values(init.namedParameters());
            double sumA;
            double sumB;
            try (NDManager m = init.resources().newStepManager()) {
                sumA = new StandardBackprop(init).lossSum(a, m);
                sumB = new StandardBackprop(init).lossSum(b, m);
            }
            Recorder rec = new Recorder();
            trainer(split, List.of(a, b), cfg).setTrainData(new ListBatchSource(List.of(a, b), 0, false))
                    .addListener(rec).build().fit();
            trainer(whole, List.of(joined), cfg.toBuilder().optMicroBatchesPerStep(1).build()).build().fit();

            assertEquals(1, rec.steps.size());
            assertEquals(22, a.targetCount());
            assertEquals(19, b.targetCount());
            double tokenMean = (sumA + sumB) / (22 + 19);
            double meanOfMeans = (sumA / 22 + sumB / 19) / 2;
            assertEquals(tokenMean, rec.steps.get(0).loss(), 1e-5);
            assertTrue(Math.abs(tokenMean - meanOfMeans) > 1e-3, "test data must separate the two reductions");
            Map<String, float[]> s = TinyModels.values(split.namedParameters());
            assertTrue(TinyModels.maxAbsDiff(before, s) > 1e-3, "the step must move the weights");
            assertTrue(TinyModels.maxAbsDiff(s, TinyModels.values(whole.namedParameters())) < 1e-6);
        }
    }

    static long[][] concat(long[][] x, long[][] y) {
        return new long[][] {x[0], x[1], y[0], y[1]};
    }

    @Test
    void resumeReproducesAStraightRun() {
        List<TokenBatch> data = TinyModels.batches(20, 4);
        TrainerConfig cfg = TrainerConfig.builder().setLearningRate(5e-3).optSchedule(ScheduleType.COSINE)
                .optWarmupSteps(2).optMicroBatchesPerStep(2).optEpochs(3).optMaxGradNorm(1.0).optWeightDecay(0.01)
                .optCheckpointDir(dir).build(); // 2 steps per epoch, 6 steps
        Recorder straight = new Recorder();
        Map<String, float[]> straightWeights;
        try (LlamaForCausalLM model = TinyModels.model(3)) {
            TrainingResult r = trainer(model, data, cfg.toBuilder().optCheckpointDir(dir.resolve("a")).build())
                    .addListener(straight).build().fit();
            assertEquals(6, r.steps());
            straightWeights = TinyModels.values(model.namedParameters());
        }
        Path ckpts = dir.resolve("b");
        try (LlamaForCausalLM model = TinyModels.model(3)) {
            Trainer[] self = new Trainer[1];
            self[0] = trainer(model, data, cfg.toBuilder().optCheckpointDir(ckpts).build())
                    .addListener(new TrainingListener() {
                        @Override
                        public void onStepEnd(StepEvent e) {
                            if (e.step() == 3) {
                                self[0].stop();
                            }
                        }
                    }).build();
            TrainingResult first = self[0].fit();
            assertEquals(TrainingStatus.INTERRUPTED, first.status());
            assertEquals(3, first.steps());
        }
        Recorder resumed = new Recorder();
        try (LlamaForCausalLM model = TinyModels.model(99)) { // different init: the checkpoint must overwrite it
            TrainingResult r = trainer(model, data, cfg.toBuilder().optCheckpointDir(ckpts).build())
                    .addListener(resumed).build().resume(ckpts);
            assertEquals(TrainingStatus.COMPLETED, r.status());
            assertEquals(6, r.steps());
            assertEquals(List.of(4, 5, 6), resumed.steps.stream().map(StepEvent::step).toList());
            for (int i = 0; i < 3; i++) {
                StepEvent want = straight.steps.get(3 + i);
                StepEvent got = resumed.steps.get(i);
                assertEquals(want.loss(), got.loss(), 1e-6, "loss of step " + got.step());
                assertEquals(want.lr(), got.lr(), 0, "lr of step " + got.step());
                assertEquals(want.epoch(), got.epoch());
            }
            assertEquals(6, r.lossHistory().size()); // the history before the checkpoint is carried over
            for (int i = 0; i < 6; i++) {
                assertEquals(straight.steps.get(i).loss(), r.lossHistory().get(i), 1e-6, "history " + i);
            }
            assertTrue(TinyModels.maxAbsDiff(straightWeights, TinyModels.values(model.namedParameters())) < 1e-6);
        }
    }

    @Test
    void clipsToMaxGradNormAndReportsThePreClipNorm() {
        TokenBatch b = TinyModels.batch(30, 2, 5);
        double norm;
        try (LlamaForCausalLM ref = TinyModels.model(4); NDManager m = ref.resources().newStepManager()) {
            new StandardBackprop(ref).accumulateGradients(b, (float) (1.0 / b.targetCount()), m);
            double s = 0;
            for (Parameter p : ref.namedParameters().values()) {
                try (NDArray g = p.getArray().getGradient()) {
                    for (float f : g.toFloatArray()) {
                        s += (double) f * f;
                    }
                }
            }
            norm = Math.sqrt(s);
        }
        double max = norm / 2;
        // lr = eps = 1e4: the first Adam step moves each weight by g·1e4/(|g|+1e4) ≈ g (relative error ≤ 1e-4)
        TrainerConfig cfg = TrainerConfig.builder().setLearningRate(1e4).optEps(1e4).optSchedule(ScheduleType.CONSTANT)
                .optMaxGradNorm(max).build();
        try (LlamaForCausalLM model = TinyModels.model(4)) {
            Map<String, float[]> before = TinyModels.values(model.namedParameters());
            Recorder rec = new Recorder();
            trainer(model, List.of(b), cfg).addListener(rec).build().fit();
            assertEquals(norm, rec.steps.get(0).gradNorm(), 1e-4 * norm);
            Map<String, float[]> after = TinyModels.values(model.namedParameters());
            double s = 0;
            for (String n : before.keySet()) {
                for (int i = 0; i < before.get(n).length; i++) {
                    double d = (double) before.get(n)[i] - after.get(n)[i];
                    s += d * d;
                }
            }
            double clipped = Math.sqrt(s);
            assertTrue(clipped <= max * (1 + 1e-3), "applied update norm " + clipped + " > " + max);
            assertEquals(max, clipped, 2e-3 * max);
        }
    }

    /** Poisons chosen optimizer steps (one micro-batch per step): NaN loss or a NaN gradient. */
    static final class Poison implements GradientComputer {
        final GradientComputer inner;
        final Set<Integer> nanLoss;
        final Set<Integer> nanGrad;
        final Parameter victim;
        int call;

        Poison(LlamaForCausalLM model, Set<Integer> nanLoss, Set<Integer> nanGrad) {
            this.inner = new StandardBackprop(model);
            this.nanLoss = nanLoss;
            this.nanGrad = nanGrad;
            this.victim = model.namedParameters().get("model.layers.0.mlp.up_proj.weight");
        }

        @Override
        public double accumulateGradients(TokenBatch batch, float scale, NDManager step) {
            int stepNo = ++call;
            double loss = inner.accumulateGradients(batch, scale, step);
            if (nanGrad.contains(stepNo) || stepNo >= nanGrad.stream().filter(s -> s < 0).map(s -> -s).findAny()
                    .orElse(Integer.MAX_VALUE)) {
                try (NDArray g = victim.getArray().getGradient()) {
                    g.muli(Float.NaN);
                }
            }
            return nanLoss.contains(stepNo) ? Double.NaN : loss;
        }

        @Override
        public double lossSum(TokenBatch batch, NDManager step) {
            return inner.lossSum(batch, step);
        }
    }

    static boolean allFinite(Map<String, float[]> values) {
        return values.values().stream().allMatch(a -> {
            for (float f : a) {
                if (!Float.isFinite(f)) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    void nonFiniteStepsAreSkippedAndCounted() {
        try (LlamaForCausalLM model = TinyModels.model(5)) {
            List<Map<String, float[]>> snapshots = new ArrayList<>();
            Recorder rec = new Recorder();
            TrainerConfig cfg = TrainerConfig.builder().setLearningRate(1e-2).optEpochs(6)
                    .optMaxConsecutiveBadSteps(2).build();
            TrainingResult r = Trainer.builder().setParameters(model.namedParameters())
                    .setGradientComputer(new Poison(model, Set.of(2), Set.of(4)))
                    .setTrainData(new ListBatchSource(List.of(TinyModels.batch(40, 0, 0)), 0, false)).setConfig(cfg)
                    .addListener(rec).addListener(new TrainingListener() {
                        @Override
                        public void onStepEnd(StepEvent e) {
                            snapshots.add(TinyModels.values(model.namedParameters()));
                        }
                    }).build().fit();
            assertEquals(TrainingStatus.COMPLETED, r.status());
            assertEquals(2, r.badSteps());
            assertEquals(List.of(false, true, false, true, false, false),
                    rec.steps.stream().map(StepEvent::skipped).toList());
            assertTrue(Double.isNaN(r.lossHistory().get(1)) && Double.isNaN(r.lossHistory().get(3)));
            assertEquals(0.0, TinyModels.maxAbsDiff(snapshots.get(0), snapshots.get(1)), "a skipped step changes nothing");
            assertTrue(TinyModels.maxAbsDiff(snapshots.get(1), snapshots.get(2)) > 0, "training goes on after it");
            assertTrue(snapshots.stream().allMatch(TrainerTest::allFinite));
        }
    }

    @Test
    void consecutiveNonFiniteStepsFailWithTheLastGoodCheckpointIntact() throws Exception {
        try (LlamaForCausalLM model = TinyModels.model(6)) {
            TrainerConfig cfg = TrainerConfig.builder().setLearningRate(1e-2).optEpochs(10)
                    .optMaxConsecutiveBadSteps(3).optCheckpointEverySteps(2).optKeepLastCheckpoints(0)
                    .optCheckpointDir(dir).build();
            Map<String, float[]>[] atStep2 = new Map[1];
            TrainingResult r = Trainer.builder().setParameters(model.namedParameters())
                    .setGradientComputer(new Poison(model, Set.of(), Set.of(-3))) // every step from 3 on
                    .setTrainData(new ListBatchSource(List.of(TinyModels.batch(41, 0, 0)), 0, false)).setConfig(cfg)
                    .addListener(new TrainingListener() {
                        @Override
                        public void onStepEnd(StepEvent e) {
                            if (e.step() == 2) {
                                atStep2[0] = TinyModels.values(model.namedParameters());
                            }
                        }
                    }).build().fit();
            assertEquals(TrainingStatus.FAILED_NON_FINITE, r.status());
            assertEquals(5, r.steps());
            assertEquals(3, r.badSteps());
            Path latest = CheckpointStore.latest(dir).orElseThrow();
            assertEquals(dir.resolve("checkpoint-4"), latest);
            assertEquals(latest, r.lastCheckpoint());
            try (SafetensorsFile f = SafetensorsFile.open(latest.resolve(CheckpointStore.TRAINABLE))) {
                for (String n : f.names()) {
                    HostTensor t = f.get(n);
                    float[] v = new float[(int) t.numel()];
                    t.data().asFloatBuffer().get(v);
                    assertEquals(0.0, TinyModels.maxAbsDiff(Map.of(n, atStep2[0].get(n)), Map.of(n, v)),
                            "steps 3-4 were skipped, so checkpoint-4 holds the weights of step 2: " + n);
                }
            }
            assertTrue(allFinite(TinyModels.values(model.namedParameters())));
        }
    }

    @Test
    void stopAndInterruptSaveACheckpointAndReturnInterrupted() throws Exception {
        try (LlamaForCausalLM model = TinyModels.model(7)) {
            Trainer[] self = new Trainer[1];
            self[0] = trainer(model, TinyModels.batches(50, 3), TrainerConfig.builder().optEpochs(4)
                    .optCheckpointDir(dir.resolve("stop")).build()).addListener(new TrainingListener() {
                        @Override
                        public void onStepEnd(StepEvent e) {
                            if (e.step() == 3) {
                                self[0].stop();
                            }
                        }
                    }).build();
            TrainingResult r = self[0].fit();
            assertEquals(TrainingStatus.INTERRUPTED, r.status());
            assertEquals(3, r.steps());
            assertEquals(List.of(dir.resolve("stop/checkpoint-3")), CheckpointStore.list(dir.resolve("stop")));
            TrainerState s = CheckpointStore.readState(dir.resolve("stop/checkpoint-3"));
            assertEquals(3, s.step());
            assertEquals(1, s.epoch()); // 3 micro-batches per epoch
            assertEquals(0, s.indexInEpoch());
            assertEquals(r.lossHistory(), s.lossHistory());
        }
        try (LlamaForCausalLM model = TinyModels.model(7)) {
            TrainingResult r = trainer(model, TinyModels.batches(50, 3), TrainerConfig.builder().optEpochs(4)
                    .optCheckpointDir(dir.resolve("interrupt")).build()).addListener(new TrainingListener() {
                        @Override
                        public void onStepEnd(StepEvent e) {
                            if (e.step() == 2) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }).build().fit();
            assertTrue(Thread.interrupted(), "the interrupt flag is restored for the caller");
            assertEquals(TrainingStatus.INTERRUPTED, r.status());
            assertEquals(dir.resolve("interrupt/checkpoint-2"), CheckpointStore.latest(dir.resolve("interrupt")).orElseThrow());
        }
    }

    @Test
    void keepsTheLastCheckpointsAndEvaluatesWithEarlyStopping() throws Exception {
        try (LlamaForCausalLM model = TinyModels.model(8)) {
            List<TokenBatch> val = List.of(TinyModels.batch(70, 1, 4), TinyModels.batch(71, 0, 8));
            double[] expectedVal = new double[1];
            Recorder rec = new Recorder();
            // lr 0.5 diverges: validation loss stops improving soon
            TrainerConfig cfg = TrainerConfig.builder().setLearningRate(0.5).optSchedule(ScheduleType.CONSTANT)
                    .optEpochs(30).optEvalEverySteps(1).optEarlyStoppingPatience(2).optCheckpointEverySteps(1)
                    .optKeepLastCheckpoints(2).optCheckpointDir(dir).build();
            TrainingResult r = trainer(model, TinyModels.batches(60, 2), cfg)
                    .optValidationData(new ListBatchSource(val, 0, false))
                    .optMetric(step -> Map.of("step_squared", (double) step * step)).addListener(rec)
                    .addListener(new TrainingListener() {
                        @Override
                        public void onStepEnd(StepEvent e) {
                            if (e.step() == 1) { // independent validation loss of the weights after step 1
                                try (NDManager m = model.resources().newStepManager()) {
                                    StandardBackprop sb = new StandardBackprop(model);
                                    expectedVal[0] = (sb.lossSum(val.get(0), m) + sb.lossSum(val.get(1), m))
                                            / (val.get(0).targetCount() + val.get(1).targetCount());
                                }
                            }
                        }
                    }).build().fit();
            assertEquals(TrainingStatus.EARLY_STOPPED, r.status());
            assertTrue(r.steps() < 30);
            assertEquals(expectedVal[0], rec.evals.get(0).validationLoss(), 1e-6);
            assertEquals(1.0, rec.evals.get(0).metrics().get("step_squared"));
            double best = rec.evals.stream().mapToDouble(EvalEvent::validationLoss).min().orElseThrow();
            assertEquals(best, r.bestValidationLoss());
            assertEquals(r.steps() - 2, r.bestStep()); // two evaluations without improvement after the best
            assertFalse(rec.evals.get(rec.evals.size() - 1).improved());
            assertEquals(List.of(dir.resolve("checkpoint-" + (r.steps() - 1)), dir.resolve("checkpoint-" + r.steps())),
                    CheckpointStore.list(dir));
            assertEquals(best, CheckpointStore.readState(dir.resolve("checkpoint-" + r.steps())).bestValidationLoss());
        }
    }

    @Test
    void listenersWriteCsvTableAndHeadlessProgressBar() throws Exception {
        Path csv = dir.resolve("logs/metrics.csv");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        TableMetricsCollector table = new TableMetricsCollector();
        ConsoleProgressBar bar = new ConsoleProgressBar(new PrintStream(console, true, StandardCharsets.UTF_8), 100);
        try (LlamaForCausalLM model = TinyModels.model(9)) {
            TrainerConfig cfg = TrainerConfig.builder().optEpochs(5).optEvalEverySteps(2).build();
            trainer(model, List.of(TinyModels.batch(80, 0, 2)), cfg)
                    .optValidationData(new ListBatchSource(List.of(TinyModels.batch(81, 0, 0)), 0, false))
                    .addListener(new CsvMetricsLogger(csv)).addListener(table).addListener(bar).build().fit();
        }
        List<String> lines = Files.readAllLines(csv);
        assertEquals(6, lines.size());
        assertEquals(CsvMetricsLogger.HEADER, lines.get(0));
        for (int i = 1; i <= 5; i++) {
            String[] f = lines.get(i).split(",");
            assertEquals(9, f.length);
            assertEquals(String.valueOf(i), f[0]);
            assertTrue(Double.parseDouble(f[2]) > 0);
        }
        Table t = table.table();
        assertEquals(5, t.rowCount());
        assertEquals(List.of("step", "epoch", "loss", "lr", "grad_norm", "tokens_per_s", "val_loss"), t.columnNames());
        assertTrue(t.doubleColumn("val_loss").isMissing(0));
        assertFalse(t.doubleColumn("val_loss").isMissing(1)); // evaluated at steps 2 and 4, and 5 at the end
        assertTrue(t.doubleColumn("val_loss").isMissing(2));
        assertFalse(t.doubleColumn("val_loss").isMissing(4));
        String out = console.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("train") && out.contains("loss"), out);
        assertEquals(-1, bar.current());
    }

    @Test
    void nothingPerStepStaysInTheParameterManager() {
        try (LlamaForCausalLM model = TinyModels.model(10)) {
            NDManager params = model.resources().manager();
            int[] counts = new int[2];
            TrainerConfig cfg = TrainerConfig.builder().optEpochs(22).optMaxGradNorm(0.5).build();
            trainer(model, List.of(TinyModels.batch(90, 0, 1)), cfg).addListener(new TrainingListener() {
                @Override
                public void onStepEnd(StepEvent e) {
                    if (e.step() == 2) {
                        counts[0] = ((BaseNDManager) params).getManagedArrays().size();
                    } else if (e.step() == 22) {
                        counts[1] = ((BaseNDManager) params).getManagedArrays().size();
                    }
                }
            }).build().fit();
            assertTrue(counts[0] > 0);
            assertEquals(counts[0], counts[1], "arrays in the parameters' manager after steps 2 and 22");
            assertNotEquals(0, counts[1]);
        }
    }
}
