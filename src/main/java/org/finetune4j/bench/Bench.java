package org.finetune4j.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.data.BatchSource;
import org.finetune4j.data.ListBatchSource;
import org.finetune4j.data.TokenBatch;
import org.finetune4j.generate.Generator;
import org.finetune4j.generate.SamplingConfig;
import org.finetune4j.generate.TokenListener;
import org.finetune4j.model.ModelResources;
import org.finetune4j.model.kernels.MatmulPrecision;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.FullFineTuningConfig;
import org.finetune4j.peft.LoraConfig;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.QloraConfig;
import org.finetune4j.peft.TechniqueConfig;
import org.finetune4j.peft.TechniqueReport;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.finetune4j.train.CheckpointedBackprop;
import org.finetune4j.train.GradientComputer;
import org.finetune4j.train.StandardBackprop;
import org.finetune4j.train.StepEvent;
import org.finetune4j.train.Trainer;
import org.finetune4j.train.TrainerConfig;
import org.finetune4j.train.TrainingListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Benchmarks, not tests: throughput against the matmul rate measured in the same run, and resident
 * memory over long runs. {@code bench model} times prefill and KV-cached decode; {@code bench train}
 * times training steps of one technique (run one technique per process so peak memory is its own); {@code bench
 * chat} times a saved model's answers, free and constrained ({@link ChatBench}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {Bench.ModelBench.class, Bench.TrainBench.class, ChatBench.class},
        description = "Measure speed and memory of the decoder and of training.")
public final class Bench implements Callable<Integer> {

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    /** Model shape options shared by both benchmarks (defaults: the dim-512, 8-layer model). */
    static final class Shape_ {
        @Option(names = "--dim", defaultValue = "512") int dim;
        @Option(names = "--layers", defaultValue = "8") int layers;
        @Option(names = "--heads", defaultValue = "8") int heads;
        @Option(names = "--kv-heads", defaultValue = "8") int kvHeads;
        @Option(names = "--ffn", defaultValue = "1376") int ffn;
        @Option(names = "--vocab", defaultValue = "4096") int vocab;
        @Option(names = "--seq", defaultValue = "256", description = "sequence (prompt) length") int seq;
        @Option(names = "--batch", defaultValue = "4") int batch;

        LlamaConfig config() {
            return LlamaConfig.builder().setVocabSize(vocab).setHiddenSize(dim).setIntermediateSize(ffn)
                    .setNumHiddenLayers(layers).setNumAttentionHeads(heads).optNumKeyValueHeads(kvHeads)
                    .optMaxPositionEmbeddings(Math.max(2048, 2 * seq)).build();
        }
    }

    static long[][] randomTokens(Random r, int b, int t, int vocab) {
        long[][] ids = new long[b][t];
        for (long[] row : ids) {
            for (int i = 0; i < t; i++) {
                row[i] = r.nextInt(vocab);
            }
        }
        return ids;
    }

    static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    @Command(name = "model", mixinStandardHelpOptions = true,
            description = "Prefill and decode tokens/s, GFLOP/s vs measured matmul, RSS over repeated forwards.")
    static final class ModelBench implements Callable<Integer> {
        @Mixin Shape_ shape;
        @Option(names = "--new-tokens", defaultValue = "64") int newTokens;
        @Option(names = "--decode-batch", defaultValue = "16") int decodeBatch;
        @Option(names = "--passes", defaultValue = "200", description = "forward passes for the memory check") int passes;

        @Override
        public Integer call() {
            DevicePolicy policy = DevicePolicy.fromEnvironment();
            LlamaConfig c = shape.config();
            double matmul = MatmulRate.gflops(policy, 2048, 3);
            Random r = new Random(1);
            try (NDManager root = Djl.engine().newBaseManager();
                    LlamaForCausalLM model = LlamaForCausalLM.fromWeights(c, LlamaForCausalLM.randomWeights(c, 1, 0.02),
                            ModelResources.create(root, policy))) {
                ai.djl.pytorch.jni.JniUtils.setGradMode(false);
                System.out.printf(Locale.ROOT, "model: %,d parameters, dim %d, %d layers, vocab %d; device %s%n",
                        c.parameterCount(), c.hiddenSize(), c.numHiddenLayers(), c.vocabSize(), policy.device());
                double rssStart = ProcessMemory.rssMb();
                double rssAt10 = 0;
                double rssAtHalf = 0;
                StringBuilder trace = new StringBuilder(); // RSS every tenth of the run: growth shows as a trend
                double prefillSeconds = 0;
                int timed = 0;
                for (int i = 0; i < passes; i++) {
                    long[][] ids = randomTokens(r, shape.batch, shape.seq, c.vocabSize());
                    long t0 = System.nanoTime();
                    try (NDManager step = model.resources().newStepManager()) {
                        model.forward(StandardBackprop.input(TokenBatch.ofFullRows(ids), step)).get(0, 0, 0)
                                .toType(ai.djl.ndarray.types.DataType.FLOAT32, false).getFloat();
                    }
                    if (i >= 3) { // warm-up excluded
                        prefillSeconds += (System.nanoTime() - t0) / 1e9;
                        timed++;
                    }
                    if (i == 9) {
                        rssAt10 = ProcessMemory.rssMb();
                    }
                    if (i == passes / 2 - 1) {
                        rssAtHalf = ProcessMemory.rssMb();
                    }
                    if ((i + 1) % Math.max(1, passes / 10) == 0) {
                        trace.append(trace.length() == 0 ? "" : ", ").append(i + 1).append(": ")
                                .append(f(ProcessMemory.rssMb()));
                    }
                }
                double prefillTps = shape.batch * shape.seq * timed / prefillSeconds;
                double prefillGflops = FlopCounter.forward(c, shape.batch, shape.seq) * timed / prefillSeconds / 1e9;
                double rssEnd = ProcessMemory.rssMb();

                List<long[]> prompts = new ArrayList<>();
                for (long[] p : randomTokens(r, decodeBatch, 32, c.vocabSize())) {
                    prompts.add(p);
                }
                Generator gen = new Generator(model, null);
                gen.generate(prompts, SamplingConfig.greedy(4), TokenListener.NONE); // warm-up
                long t0 = System.nanoTime();
                gen.generate(prompts, SamplingConfig.greedy(newTokens), TokenListener.NONE);
                double decodeSeconds = (System.nanoTime() - t0) / 1e9;
                double decodeTps = (double) decodeBatch * newTokens / decodeSeconds;
                double decodeFlops = 0;
                for (int s = 0; s < newTokens; s++) {
                    decodeFlops += FlopCounter.decodeStep(c, decodeBatch, 32 + s);
                }
                System.out.println();
                System.out.println("| measure | value |");
                System.out.println("|---|---|");
                System.out.println("| " + policy.computeType() + " matmul 2048³ (best of 3) | " + f(matmul)
                        + " GFLOP/s |");
                System.out.println("| prefill B=" + shape.batch + " T=" + shape.seq + " | " + f(prefillTps) + " tok/s, "
                        + f(prefillGflops) + " GFLOP/s (" + String.format(Locale.ROOT, "%.2f", prefillGflops / matmul)
                        + " of matmul) |");
                System.out.println("| decode B=" + decodeBatch + ", " + newTokens + " new tokens (KV cache) | "
                        + f(decodeTps) + " tok/s, " + f(decodeFlops / decodeSeconds / 1e9) + " GFLOP/s |");
                System.out.println("| RSS start / after 10 / after " + passes + " forwards | " + f(rssStart) + " / "
                        + f(rssAt10) + " / " + f(rssEnd) + " MB (growth after warm-up "
                        + f(rssEnd - rssAt10) + " MB; second half " + f(rssEnd - rssAtHalf) + " MB) |");
                System.out.println("| RSS trace, MB after pass | " + trace + " |");
            }
            return 0;
        }
    }

    enum Technique { LORA, QLORA, FULL }

    /** Steps the {@code --profile} trace covers: after warm-up, few enough to keep the trace small. */
    static final int PROFILE_FIRST = 11;
    static final int PROFILE_LAST = 20;
    /** Steps before the clock starts (JIT, allocator and libtorch warm-up); timing runs from the end of this one. */
    static final int UNTIMED_STEPS = 3;

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Training-step throughput and memory of one technique on random tokens.")
    static final class TrainBench implements Callable<Integer> {
        @Mixin Shape_ shape;
        @Option(names = "--technique", defaultValue = "LORA", description = "LORA, QLORA or FULL") Technique technique;
        @Option(names = "--steps", defaultValue = "1000") int steps;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--early", defaultValue = "50", description = "step of the first RSS reading") int early;
        @Option(names = "--checkpointing", description = "per-layer activation checkpointing") boolean checkpointing;
        @Option(names = "--profile", paramLabel = "FILE",
                description = "write a libtorch profiler trace (Chrome trace JSON) of steps " + PROFILE_FIRST + " to "
                        + PROFILE_LAST + " to FILE")
        java.nio.file.Path profile;

        @Override
        public Integer call() {
            if (steps < UNTIMED_STEPS + 2) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--steps must be at least "
                        + (UNTIMED_STEPS + 2) + " (steps 1-" + UNTIMED_STEPS + " are warm-up, not timed); got " + steps);
            }
            // The first RSS reading must fall inside the run, or the growth column divides by zero: a short run
            // (--steps 40 with the default --early 50) reads it a quarter of the way in instead.
            int firstRss = early < steps ? early : Math.max(UNTIMED_STEPS + 1, steps / 4);
            if (firstRss != early) {
                System.out.printf(Locale.ROOT, "first RSS reading at step %d (--early %d is not before --steps %d)%n",
                        firstRss, early, steps);
            }
            DevicePolicy policy = DevicePolicy.fromEnvironment();
            LlamaConfig c = shape.config();
            double matmulBefore = MatmulRate.gflops(policy, 2048, 3);
            try (NDManager root = Djl.engine().newBaseManager()) {
                LlamaForCausalLM base = LlamaForCausalLM.fromWeights(c, LlamaForCausalLM.randomWeights(c, 1, 0.02),
                        ModelResources.create(root, policy));
                LoraConfig lora = LoraConfig.builder().build(); // the guide's r = 16, alpha = 16, all projections
                TechniqueConfig tc = switch (technique) {
                    case LORA -> lora;
                    case QLORA -> QloraConfig.of(lora);
                    case FULL -> FullFineTuningConfig.all();
                };
                PeftModel model = PeftModel.create(base, tc, 1);
                TechniqueReport report = model.report();
                System.out.println(report);
                GradientComputer gc = checkpointing ? new CheckpointedBackprop(model) : new StandardBackprop(model);
                Random r = new Random(2);
                List<TokenBatch> batches = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    batches.add(TokenBatch.ofFullRows(randomTokens(r, shape.batch, shape.seq, c.vocabSize())));
                }
                BatchSource data = new ListBatchSource(batches, 0, false);
                long extra = technique == Technique.FULL ? 0 : report.trainableParameters();
                double flopsPerStep = FlopCounter.trainStep(c, shape.batch, shape.seq, technique == Technique.FULL, extra);
                double[] rss = new double[3];
                long[] timing = new long[2];
                TrainingListener probe = new TrainingListener() {
                    @Override
                    public void onStepEnd(StepEvent e) {
                        if (e.step() == UNTIMED_STEPS) {
                            timing[0] = System.nanoTime();
                        }
                        if (profile != null && e.step() == PROFILE_FIRST - 1) {
                            JniUtils.startProfile(false, true, false);
                        }
                        if (profile != null && e.step() == PROFILE_LAST) {
                            JniUtils.stopProfile(profile.toAbsolutePath().toString());
                        }
                        if (e.step() == firstRss) {
                            rss[0] = ProcessMemory.rssMb();
                        }
                        if (e.step() == steps) {
                            timing[1] = System.nanoTime();
                            rss[1] = ProcessMemory.rssMb();
                        }
                        if (e.step() % 50 == 0) {
                            // the Java heap's committed size is part of RSS: it tells heap growth from native growth
                            System.out.printf(Locale.ROOT, "step %d loss %.4f %.0f tok/s RSS %.0f MB (Java heap"
                                    + " committed %.0f MB)%n", e.step(), e.loss(), e.tokensPerSecond(),
                                    ProcessMemory.rssMb(), ProcessMemory.heapCommittedMb());
                        }
                    }
                };
                TrainerConfig cfg = TrainerConfig.builder().setLearningRate(technique == Technique.FULL ? 3e-5 : 2e-4)
                        .optEpochs(1_000_000).optMaxSteps(steps).optMaxGradNorm(1.0).optSeed(1).build();
                Trainer.builder().setParameters(model.trainableParameters()).setGradientComputer(gc).setTrainData(data)
                        .setConfig(cfg).addListener(probe).build().fit();
                // The yardstick is measured again after the timed steps and the higher rate is used: one short
                // reading at the start can catch the machine slow (CPU frequency, a noisy neighbour) and flatter
                // the ratio.
                double matmulAfter = MatmulRate.gflops(policy, 2048, 3);
                System.out.printf(Locale.ROOT, "%s matmul 2048³, best of 3: %.1f GFLOP/s before, %.1f after%n",
                        policy.computeType(), matmulBefore, matmulAfter);
                double matmul = Math.max(matmulBefore, matmulAfter);
                // the model's own product shapes: how much of the gap to the square rate is theirs, not the step's
                double modelShape = MatmulRate.modelShapeGflops(policy, c, shape.batch * shape.seq, 5);
                System.out.printf(Locale.ROOT, "%s matmul at the model's projection shapes (%d rows), best of 5 each:"
                        + " %.1f GFLOP/s (%.2f of the square rate)%n", policy.computeType(), shape.batch * shape.seq,
                        modelShape, modelShape / matmul);
                double seconds = (timing[1] - timing[0]) / 1e9;
                double stepsTimed = steps - UNTIMED_STEPS;
                if (MatmulPrecision.current() == MatmulPrecision.BF16) {
                    // the ratios below stay against the float32 products (the yardstick above); this is the rate
                    // of the bfloat16 products the step actually ran
                    double bf16 = MatmulRate.linearGflops(policy, 2048, 2048, 2048, 3);
                    System.out.printf(Locale.ROOT, "--matmul bf16: the model's linear products, 2048³, best of 3: %.1f"
                            + " GFLOP/s (%.2f of float32); this run reaches %.2f of it%n", bf16, bf16 / matmul,
                            flopsPerStep * stepsTimed / seconds / 1e9 / bf16);
                }
                double tps = stepsTimed * shape.batch * shape.seq / seconds;
                double gflops = flopsPerStep * stepsTimed / seconds / 1e9;
                double peak = ProcessMemory.peakRssMb();
                System.out.println();
                System.out.println("| technique | tokens/s | GFLOP/s | ratio to matmul (" + f(matmul) + ") | ratio to"
                        + " model-shape matmul (" + f(modelShape) + ") | RSS step " + firstRss + " | RSS step " + steps
                        + " | growth | peak RSS | trainable | frozen MB |");
                System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
                System.out.printf(Locale.ROOT, "| %s%s | %.0f | %.1f | %.2f | %.2f | %.0f MB | %.0f MB | %+.1f%% | %.0f MB"
                        + " | %,d | %.1f |%n", technique, checkpointing ? " (ckpt)" : "", tps, gflops, gflops / matmul,
                        gflops / modelShape, rss[0], rss[1],
                        100 * (rss[1] - rss[0]) / rss[0], peak, report.trainableParameters(), report.frozenBytes() / 1e6);
            }
            return 0;
        }
    }
}
