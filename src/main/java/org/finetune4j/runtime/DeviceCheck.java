package org.finetune4j.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.data.ListBatchSource;
import org.finetune4j.data.TokenBatch;
import org.finetune4j.export.MergedModelWriter;
import org.finetune4j.generate.GeneratedSequence;
import org.finetune4j.generate.Generator;
import org.finetune4j.generate.Sampler;
import org.finetune4j.generate.SamplingConfig;
import org.finetune4j.generate.TokenListener;
import org.finetune4j.io.NDArrays;
import org.finetune4j.model.CausalLM;
import org.finetune4j.model.LinearLayer;
import org.finetune4j.model.ModelResources;
import org.finetune4j.model.WeightSource;
import org.finetune4j.model.llama.ForwardInput;
import org.finetune4j.model.llama.KvCache;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.AdapterConfig;
import org.finetune4j.peft.BitFitConfig;
import org.finetune4j.peft.FullFineTuningConfig;
import org.finetune4j.peft.LoraConfig;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.PrefixTuningConfig;
import org.finetune4j.peft.PromptInit;
import org.finetune4j.peft.PromptTuningConfig;
import org.finetune4j.peft.QloraConfig;
import org.finetune4j.peft.TargetModules;
import org.finetune4j.peft.TechniqueConfig;
import org.finetune4j.peft.lora.LoraLinear;
import org.finetune4j.peft.qlora.DequantScratch;
import org.finetune4j.peft.qlora.DeviceNf4Weight;
import org.finetune4j.peft.qlora.Nf4Linear;
import org.finetune4j.peft.qlora.Nf4Options;
import org.finetune4j.peft.qlora.Nf4Tensor;
import org.finetune4j.peft.qlora.QloraTechnique;
import org.finetune4j.train.ScheduleType;
import org.finetune4j.train.StandardBackprop;
import org.finetune4j.train.Trainer;
import org.finetune4j.train.TrainerConfig;
import org.finetune4j.train.TrainingResult;
import org.finetune4j.train.TrainingStatus;

/**
 * Checks that the library's core invariants hold on the device and dtype a {@link DevicePolicy} picks: forward
 * agrees with CPU float32, the KV cache agrees with full recomputation, every technique trains through the real
 * {@link Trainer}, merged LoRA weights give the adapted logits, NF4 dequantises identically, generation agrees with
 * argmax decoding and seeded sampling repeats. Everything runs on a tiny random Llama, so the whole run takes seconds
 * on a CPU; it is the first thing to run on a new GPU box ({@code finetune4j doctor}).
 *
 * <p>Each check runs in its own root manager and catches its own exceptions: one broken invariant (or a missing
 * kernel) is one FAIL row, and the other checks still run.
 */
public final class DeviceCheck {
    public static final String ENVIRONMENT = "environment";
    public static final String FORWARD = "forward vs CPU float32";
    public static final String KV_CACHE = "KV cache vs full recompute";
    public static final String NF4 = "NF4 on device";
    public static final String GENERATE = "generate";
    /** Prefix of the training checks' names ("train LoRA r=8", …). */
    public static final String TRAIN = "train ";
    /** Prefix of the merge checks' names ("merged = base + LoRA", …). */
    public static final String MERGED = "merged = base + ";

    /** Logit tolerances, relative to max |reference logit|: full-precision and half-precision compute types. */
    static final double FULL_PRECISION_TOLERANCE = 1e-4;
    static final double HALF_PRECISION_TOLERANCE = 3e-2;

    static final long WEIGHT_SEED = 11;
    static final double WEIGHT_STD = 0.3;
    static final long TECHNIQUE_SEED = 5;
    /** One fixed sequence for logit comparisons: 12 tokens of a 64-token vocabulary. */
    static final long[] SEQUENCE = {5, 9, 33, 2, 17, 44, 60, 1, 23, 23, 8, 50};
    static final int PREFILL = 4;
    static final long[] PROMPT = {3, 1, 4, 1, 5};
    static final int NEW_TOKENS = 12;

    /** One technique's training check: what to apply and how hard to push the tiny batch. */
    record TrainSpec(String label, TechniqueConfig config, double learningRate, int steps) {}

    /** One merge check: a LoRA-family technique whose adapter is folded into the base weights. */
    record MergeSpec(String label, TechniqueConfig config) {}

    /**
     * The outcome of one check.
     *
     * @param name   what was checked (stable: tests and scripts look rows up by it)
     * @param passed whether the invariant held
     * @param figure the measured number, e.g. "max rel diff 3.1e-07 (tol 1e-04)"
     * @param detail context: sizes, tolerances, or the exception of a check that threw
     */
    public record Result(String name, boolean passed, String figure, String detail) {
        static Result of(String name, boolean passed, String figure, String detail) {
            return new Result(name, passed, figure, detail);
        }

        /** A check that threw: the exception and, when there is one, its root cause. */
        static Result failed(String name, Throwable e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String detail = describe(e) + (root == e ? "" : "; caused by " + describe(root));
            return new Result(name, false, "exception", detail);
        }

        private static String describe(Throwable t) {
            return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        }
    }

    private DeviceCheck() {}

    /** Runs every check on {@code policy}; the CPU float32 policy is the reference of the comparisons. */
    public static List<Result> run(DevicePolicy policy) {
        List<Result> out = new ArrayList<>();
        out.add(guarded(ENVIRONMENT, () -> environment(policy)));
        out.add(guarded(FORWARD, () -> forwardVsCpu(policy, randomWeights(), randomWeights())));
        out.add(guarded(KV_CACHE, () -> kvCache(policy)));
        for (TrainSpec spec : trainSpecs()) {
            out.add(guarded(TRAIN + spec.label(), () -> train(policy, spec)));
        }
        for (MergeSpec spec : mergeSpecs()) {
            out.add(guarded(MERGED + spec.label(), () -> merged(policy, spec)));
        }
        out.add(guarded(NF4, () -> nf4(policy)));
        out.add(guarded(GENERATE, () -> generate(policy)));
        return out;
    }

    /** True when every result passed. */
    public static boolean allPassed(List<Result> results) {
        return results.stream().allMatch(Result::passed);
    }

    /** The results as a Markdown table: check | result | figure | detail. */
    public static String markdown(List<Result> results) {
        StringBuilder sb = new StringBuilder("| check | result | figure | detail |\n|---|---|---|---|\n");
        for (Result r : results) {
            sb.append("| ").append(cell(r.name())).append(" | ").append(r.passed() ? "PASS" : "**FAIL**")
                    .append(" | ").append(cell(r.figure())).append(" | ").append(cell(r.detail())).append(" |\n");
        }
        return sb.toString();
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    /** Runs one check; any exception or error of the check is its FAIL row, never the end of the run. */
    static Result guarded(String name, Supplier<Result> check) {
        try {
            Djl.engine(); // loads the native library: the CPU policy alone never touches the engine
            JniUtils.setGradMode(false); // a new thread records graphs by default (notes §5); checks start clean
            return check.get();
        } catch (RuntimeException | LinkageError | AssertionError e) {
            return Result.failed(name, e);
        }
    }

    // ------------------------------------------------------------------ fixtures

    /** The tiny Llama every check uses: vocab 64, hidden 32, FFN 48, 2 layers, 4 query heads over 2 KV heads. */
    static LlamaConfig tinyConfig() {
        return LlamaConfig.builder().setVocabSize(64).setHiddenSize(32).setIntermediateSize(48).setNumHiddenLayers(2)
                .setNumAttentionHeads(4).optNumKeyValueHeads(2).optMaxPositionEmbeddings(64).build();
    }

    static WeightSource randomWeights() {
        return LlamaForCausalLM.randomWeights(tinyConfig(), WEIGHT_SEED, WEIGHT_STD);
    }

    private static LlamaForCausalLM model(NDManager root, WeightSource weights, DevicePolicy policy) {
        return LlamaForCausalLM.fromWeights(tinyConfig(), weights, ModelResources.create(root, policy));
    }

    /** Two rows of 12 tokens; the first 4 of each row are masked like a prompt (16 scored targets). */
    static TokenBatch batch() {
        long[][] ids = {{1, 7, 3, 9, 12, 30, 4, 4, 22, 17, 8, 2}, {5, 5, 40, 11, 6, 19, 33, 21, 9, 0, 14, 2}};
        TokenBatch full = TokenBatch.ofFullRows(ids);
        long[][] labels = full.labels();
        for (long[] row : labels) {
            Arrays.fill(row, 0, 4, TokenBatch.IGNORE);
        }
        return new TokenBatch(ids, labels, full.segments(), full.positions());
    }

    /** The allowed max |diff| / max |reference| of logits computed in {@code computeType}. */
    static double tolerance(DataType computeType) {
        return computeType == DataType.FLOAT32 || computeType == DataType.FLOAT64 ? FULL_PRECISION_TOLERANCE
                : HALF_PRECISION_TOLERANCE;
    }

    /** Logits of one unpadded row, no cache: (1, T, V) flattened to T·V floats. */
    static float[] logits(CausalLM model, long[] ids) {
        try (NDManager step = model.resources().newStepManager()) {
            NDArray in = step.create(ids, new Shape(1, ids.length)); // (1, T)
            return NDArrays.floats(model.forward(ForwardInput.of(in))); // (1, T, V)
        }
    }

    /** max |got − ref| / max |ref|; NaN or infinity anywhere in {@code got} gives a non-finite result. */
    static double relativeMaxDiff(float[] got, float[] ref) {
        if (got.length != ref.length) {
            throw new IllegalArgumentException("got " + got.length + " values, reference has " + ref.length);
        }
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < got.length; i++) {
            if (!Float.isFinite(got[i])) {
                return Double.POSITIVE_INFINITY;
            }
            diff = Math.max(diff, Math.abs((double) got[i] - ref[i]));
            scale = Math.max(scale, Math.abs(ref[i]));
        }
        return diff / Math.max(scale, Double.MIN_NORMAL);
    }

    /** A comparison of logits against a reference under the tolerance of {@code computeType}. */
    static Result compareLogits(String name, float[] got, float[] ref, DataType computeType, String detail) {
        double rel = relativeMaxDiff(got, ref);
        double tol = tolerance(computeType);
        return Result.of(name, rel <= tol, String.format(Locale.ROOT, "max rel diff %.1e (tol %.0e)", rel, tol),
                detail);
    }

    // ------------------------------------------------------------------ a. environment

    static Result environment(DevicePolicy policy) {
        Engine engine = Djl.engine();
        String figure = engine.getEngineName() + " " + engine.getVersion() + " on " + policy.device() + ", "
                + policy.computeType();
        String detail = String.format(Locale.ROOT, "DJL %s; %d intra-op / %d inter-op threads; Java %s; %d CPUs%s",
                Engine.getDjlVersion(), JniUtils.getNumThreads(), JniUtils.getNumInteropThreads(),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                policy.isGpu() ? "; " + gpuDescription(policy) : "");
        return Result.of(ENVIRONMENT, true, figure, detail);
    }

    /** Name, compute capability, memory and CUDA version of the policy's GPU; whatever part fails is skipped. */
    private static String gpuDescription(DevicePolicy policy) {
        int id = policy.device().getDeviceId();
        List<String> parts = new ArrayList<>();
        gpuName(id).ifPresent(parts::add);
        try {
            parts.add("compute capability " + CudaUtils.getComputeCapability(id));
        } catch (RuntimeException | LinkageError e) {
            parts.add("compute capability unknown (" + e.getClass().getSimpleName() + ")");
        }
        try {
            MemoryUsage mem = CudaUtils.getGpuMemory(policy.device());
            parts.add(String.format(Locale.ROOT, "memory %.1f / %.1f GiB used", mem.getCommitted() / 1073741824.0,
                    mem.getMax() / 1073741824.0));
        } catch (RuntimeException | LinkageError e) {
            parts.add("memory unknown (" + e.getClass().getSimpleName() + ")");
        }
        try {
            parts.add("CUDA " + CudaUtils.getCudaVersionString());
        } catch (RuntimeException | LinkageError e) {
            parts.add("CUDA version unknown");
        }
        return String.join(", ", parts);
    }

    /** DJL does not expose the GPU's name; nvidia-smi does when it is installed. */
    private static Optional<String> gpuName(int id) {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name", "--format=csv,noheader", "-i",
                    Integer.toString(id)).redirectErrorStream(true).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            String name = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 && !name.isEmpty() ? Optional.of(name) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------ b. forward vs CPU float32

    /**
     * Logits of {@link #SEQUENCE} from {@code deviceWeights} on {@code policy} against {@code referenceWeights} on the
     * CPU in float32. The doctor passes the same weights twice; a test passes different ones to see it fail.
     */
    static Result forwardVsCpu(DevicePolicy policy, WeightSource deviceWeights, WeightSource referenceWeights) {
        try (NDManager root = Djl.engine().newBaseManager()) {
            float[] got = logits(model(root, deviceWeights, policy), SEQUENCE); // (1, 12, 64)
            float[] ref = logits(model(root, referenceWeights, DevicePolicy.cpu()), SEQUENCE);
            return compareLogits(FORWARD, got, ref, policy.computeType(),
                    "tiny Llama (2 layers, GQA 4/2), " + SEQUENCE.length + " tokens, " + policy.computeType()
                            + " vs CPU float32");
        }
    }

    // ------------------------------------------------------------------ c. KV cache

    /** Prefill {@link #PREFILL} tokens, then one token per step; every step's logits against one full forward. */
    static Result kvCache(DevicePolicy policy) {
        LlamaConfig c = tinyConfig();
        int vocab = c.vocabSize();
        try (NDManager root = Djl.engine().newBaseManager()) {
            LlamaForCausalLM model = model(root, randomWeights(), policy);
            float[] full = logits(model, SEQUENCE); // (1, T, V) flattened
            float[] cached = new float[full.length];
            try (NDManager gen = model.resources().newStepManager()) {
                KvCache cache = new KvCache(c, 1, SEQUENCE.length, gen, model.resources().computeType());
                int pos = 0;
                while (pos < SEQUENCE.length) {
                    int n = pos == 0 ? PREFILL : 1;
                    try (NDManager step = gen.newSubManager()) {
                        NDArray ids = step.create(Arrays.copyOfRange(SEQUENCE, pos, pos + n), new Shape(1, n));
                        NDArray out = model.forward(ForwardInput.builder().setInputIds(ids).optCache(cache).build());
                        float[] got = NDArrays.floats(out); // (1, n, V)
                        System.arraycopy(got, 0, cached, pos * vocab, n * vocab);
                    }
                    pos += n;
                    if (cache.length() != pos) {
                        return Result.of(KV_CACHE, false, "cache length " + cache.length(), "expected " + pos);
                    }
                }
            }
            return compareLogits(KV_CACHE, cached, full, policy.computeType(), "prefill " + PREFILL + ", then "
                    + (SEQUENCE.length - PREFILL) + " single-token steps");
        }
    }

    // ------------------------------------------------------------------ d. training

    /**
     * The techniques and their AdamW settings (constant learning rate, clipping at norm 1). Each drives the fixed
     * batch's loss below half its start on CPU float32 with margin: measured final/initial 0.01 for the LoRA family
     * and full fine-tuning, 0.30 prompt, 0.24 prefix, 0.23 prefix + projection, 0.09 adapters, 0.15 BitFit.
     */
    static List<TrainSpec> trainSpecs() {
        LoraConfig lora = LoraConfig.builder().optR(8).optAlpha(16).build();
        return List.of(
                new TrainSpec("LoRA r=8", lora, 1e-2, 30),
                new TrainSpec("DoRA r=8", LoraConfig.builder().optR(8).optAlpha(16).optUseDora(true).build(), 1e-2, 30),
                new TrainSpec("QLoRA r=8", QloraConfig.of(lora), 1e-2, 30),
                new TrainSpec("full fine-tuning", FullFineTuningConfig.all(), 1e-2, 30),
                new TrainSpec("prompt tuning", new PromptTuningConfig(4, PromptInit.RANDOM, null), 1e-1, 60),
                new TrainSpec("prefix tuning", new PrefixTuningConfig(3, false, 0), 1e-1, 40),
                new TrainSpec("prefix tuning + projection", new PrefixTuningConfig(3, true, 12), 2e-2, 60),
                new TrainSpec("adapters (Houlsby)", AdapterConfig.houlsby(), 2e-2, 40),
                new TrainSpec("BitFit", BitFitConfig.allProjections(), 5e-2, 40));
    }

    /** Trains {@code spec} on the fixed batch with the real Trainer and AdamW on {@code policy}. */
    static Result train(DevicePolicy policy, TrainSpec spec) {
        String name = TRAIN + spec.label();
        TokenBatch batch = batch();
        try (NDManager root = Djl.engine().newBaseManager()) {
            PeftModel model = PeftModel.create(model(root, randomWeights(), policy), spec.config(), TECHNIQUE_SEED);
            double before = meanLoss(model, batch);
            TrainerConfig config = TrainerConfig.builder().setLearningRate(spec.learningRate())
                    .optSchedule(ScheduleType.CONSTANT).optMaxGradNorm(1.0).optEpochs(spec.steps())
                    .optMaxSteps(spec.steps()).optSeed(1).build();
            TrainingResult result;
            model.setTraining(true);
            try {
                result = Trainer.builder().setParameters(model.trainableParameters())
                        .setGradientComputer(new StandardBackprop(model)).setTrainData(new ListBatchSource(List.of(batch), 0, false)).setConfig(config)
                        .build().fit();
            } finally {
                model.setTraining(false);
            }
            double after = meanLoss(model, batch);
            boolean finite = result.lossHistory().stream().allMatch(Double::isFinite) && Double.isFinite(after);
            boolean passed = result.status() == TrainingStatus.COMPLETED && result.badSteps() == 0 && finite
                    && after < before / 2;
            double seconds = result.elapsed().toNanos() / 1e9;
            String figure = String.format(Locale.ROOT, "loss %.2f -> %.2f in %d steps, %.0f tok/s", before, after,
                    result.steps(), seconds > 0 ? result.tokens() / seconds : 0);
            String detail = String.format(Locale.ROOT, "AdamW lr %.0e, %,d trainable; needs < %.2f, finite%s",
                    spec.learningRate(), result.trainableParameters(), before / 2,
                    result.status() == TrainingStatus.COMPLETED ? "" : "; run " + result.status()
                            + " after " + result.badSteps() + " non-finite steps");
            return Result.of(name, passed, figure, detail);
        }
    }

    /** The token-mean loss of {@code batch}, evaluated without recording a graph. */
    static double meanLoss(CausalLM model, TokenBatch batch) {
        try (NDManager step = model.resources().newStepManager()) {
            return new StandardBackprop(model).lossSum(batch, step) / batch.targetCount();
        }
    }

    // ------------------------------------------------------------------ e. merged = base + adapter

    static List<MergeSpec> mergeSpecs() {
        LoraConfig lora = LoraConfig.builder().optR(8).optAlpha(16).build();
        return List.of(new MergeSpec("LoRA", lora),
                new MergeSpec("DoRA", LoraConfig.builder().optR(8).optAlpha(16).optUseDora(true).build()),
                new MergeSpec("QLoRA", QloraConfig.of(lora)));
    }

    /**
     * With random (non-zero) B, the merged checkpoint loaded on {@code policy} must give the adapted model's logits;
     * the adapter must also move the logits well beyond the tolerance, or the comparison would prove nothing.
     */
    static Result merged(DevicePolicy policy, MergeSpec spec) {
        String name = MERGED + spec.label();
        try (NDManager root = Djl.engine().newBaseManager()) {
            float[] base = logits(model(root, randomWeights(), policy), SEQUENCE);
            PeftModel peft = PeftModel.create(model(root, randomWeights(), policy), spec.config(), TECHNIQUE_SEED);
            randomizeLoraB(peft, 4);
            float[] adapted = logits(peft, SEQUENCE);
            LlamaForCausalLM merged = LlamaForCausalLM.fromWeights(tinyConfig(),
                    WeightSource.of(MergedModelWriter.mergedWeights(peft), "merged " + spec.label()),
                    ModelResources.create(root, policy));
            float[] got = logits(merged, SEQUENCE);
            double moved = relativeMaxDiff(adapted, base);
            Result r = compareLogits(name, got, adapted, policy.computeType(),
                    String.format(Locale.ROOT, "random B; the adapter moves logits by %.1e", moved));
            double needed = 10 * tolerance(policy.computeType());
            if (r.passed() && !(moved > needed)) {
                return Result.of(name, false, r.figure(), String.format(Locale.ROOT,
                        "the adapter moves logits by only %.1e (need > %.0e): nothing was compared", moved, needed));
            }
            return r;
        }
    }

    /** Gaussian (σ 0.2) B matrices, so the adapter changes the model (PEFT's init starts B at zero). */
    static void randomizeLoraB(PeftModel peft, long seed) {
        Random r = new Random(seed);
        JniUtils.setGradMode(false);
        for (Map.Entry<String, Parameter> e : peft.trainableParameters().entrySet()) {
            if (!e.getKey().endsWith("lora_B.weight")) {
                continue;
            }
            NDArray b = e.getValue().getArray();
            float[] v = new float[Math.toIntExact(b.size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 0.2);
            }
            try (NDManager tmp = b.getManager().newSubManager()) {
                NDArray src = tmp.create(v, b.getShape()).toType(b.getDataType(), false); // (out, r)
                b.set(new NDIndex("..."), src);
            }
        }
    }

    // ------------------------------------------------------------------ f. NF4

    /**
     * QLoRA on {@code policy} against host quantisation: for every targeted projection, the NF4 codes and scales
     * built from the device's weight must equal those the host quantiser makes from the same values, and the
     * weight the device dequantises must equal, bit for bit, the one the CPU dequantises from those codes, both when
     * decoded in Java and uploaded and when decoded on the device ({@code DeviceNf4Weight}, QLoRA's GPU path). In
     * float32 the codes must also equal those of QLoRA applied on the CPU policy (same weights, same bits).
     */
    static Result nf4(DevicePolicy policy) {
        QloraConfig config = QloraConfig.of(LoraConfig.builder().optR(8).optAlpha(16).build());
        Nf4Options options = QloraTechnique.nf4Options(config);
        boolean fullPrecision = tolerance(policy.computeType()) == FULL_PRECISION_TOLERANCE;
        try (NDManager root = Djl.engine().newBaseManager(); NDManager cpu = root.newSubManager(Device.cpu())) {
            LlamaForCausalLM deviceModel = model(root, randomWeights(), policy);
            Map<String, float[]> stored = denseWeights(deviceModel, config.lora().targetModules()); // before quantising
            Map<String, Nf4Tensor> onDevice = quantized(PeftModel.create(deviceModel, config, TECHNIQUE_SEED));
            Map<String, Nf4Tensor> onCpu = quantized(PeftModel.create(model(root, randomWeights(), DevicePolicy.cpu()),
                    config, TECHNIQUE_SEED));
            int layers = 0;
            int codesDiffer = 0;
            int cpuPolicyDiffer = 0;
            double worstDequant = 0;
            double worstEngine = 0;
            long values = 0;
            for (Map.Entry<String, Nf4Tensor> e : onDevice.entrySet()) {
                Nf4Tensor q = e.getValue();
                Nf4Tensor reference = Nf4Tensor.quantize(stored.get(e.getKey()), q.shape(), options);
                codesDiffer += q.equals(reference) ? 0 : 1;
                cpuPolicyDiffer += q.equals(onCpu.get(e.getKey())) ? 0 : 1;
                double[] diff = dequantizedDiff(q, policy, root, cpu);
                worstDequant = Math.max(worstDequant, diff[0]);
                worstEngine = Math.max(worstEngine, diff[1]);
                values += q.numel();
                layers++;
            }
            boolean passed = layers > 0 && codesDiffer == 0 && worstDequant == 0 && worstEngine == 0
                    && (!fullPrecision || cpuPolicyDiffer == 0);
            String figure = String.format(Locale.ROOT, "%d/%d layers' codes equal, max |dequant diff| %.1e, engine "
                    + "decode %.1e", layers - codesDiffer, layers, worstDequant, worstEngine);
            String detail = String.format(Locale.ROOT, "%,d weights, block %d%s; vs QLoRA on CPU float32: %d/%d "
                    + "layers equal%s", values, config.blockSize(), config.doubleQuant() ? ", double-quantised" : "",
                    layers - cpuPolicyDiffer, layers, fullPrecision ? "" : " (not required: the device stores "
                            + policy.computeType() + " weights)");
            return Result.of(NF4, passed, figure, detail);
        }
    }

    /** The targeted projections' stored weights (out, in), read back as float32. */
    private static Map<String, float[]> denseWeights(LlamaForCausalLM model, List<String> targets) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, LinearLayer> e : TargetModules.resolve(model, targets).entrySet()) {
            try (NDManager step = model.resources().newStepManager()) {
                out.put(e.getKey(), NDArrays.floats(e.getValue().denseWeight(step))); // the layer's own tensor
            }
        }
        return out;
    }

    /** The NF4 weight of every projection QLoRA wrapped, by module path. */
    private static Map<String, Nf4Tensor> quantized(PeftModel qlora) {
        Map<String, Nf4Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, LoraLinear> e : ((QloraTechnique) qlora.technique()).lora().wrappedLayers().entrySet()) {
            out.put(e.getKey(), ((Nf4Linear) e.getValue().baseLayer()).quantizedWeight());
        }
        return out;
    }

    /**
     * max |device dequantisation − CPU dequantisation| of {@code q}: {host decode uploaded to the device, codes
     * decoded on the device ({@link DeviceNf4Weight}, the GPU training path)}; 0 when bit-identical.
     */
    private static double[] dequantizedDiff(Nf4Tensor q, DevicePolicy policy, NDManager root, NDManager cpu) {
        int n = Math.toIntExact(q.numel());
        try (NDManager device = root.newSubManager(policy.device()); NDManager host = cpu.newSubManager()) {
            float[] ref = new DequantScratch(n).dequantize(host, q).toFloatArray();
            float[] uploaded = NDArrays.floats(new DequantScratch(n).dequantize(device, q));
            float[] decoded = NDArrays.floats(new DeviceNf4Weight(q, device).dequantize(device));
            return new double[] {maxAbsDiff(uploaded, ref), maxAbsDiff(decoded, ref)};
        }
    }

    private static double maxAbsDiff(float[] got, float[] ref) {
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            if (Float.compare(got[i], ref[i]) != 0) { // also catches a NaN on one side only
                double d = Math.abs((double) got[i] - ref[i]);
                worst = Math.max(worst, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
            }
        }
        return worst;
    }

    // ------------------------------------------------------------------ g. generate

    /**
     * Greedy generation with the KV cache must pick, at every step, the argmax of a full forward over the same
     * prefix (a near-tie within the logit tolerance counts as agreement); seeded sampling must repeat exactly.
     */
    static Result generate(DevicePolicy policy) {
        try (NDManager root = Djl.engine().newBaseManager()) {
            LlamaForCausalLM model = model(root, randomWeights(), policy);
            Generator generator = new Generator(model, DeviceCheck::joinIds);
            long[] greedy = generator.generate(PROMPT, SamplingConfig.greedy(NEW_TOKENS), TokenListener.NONE).tokens();
            int[] agreement = argmaxAgreement(model, greedy, tolerance(policy.computeType()));
            SamplingConfig sampling = SamplingConfig.builder().optMaxNewTokens(NEW_TOKENS).optTemperature(0.8)
                    .optTopP(0.9).optSeed(7).build();
            GeneratedSequence first = generator.generate(PROMPT, sampling, TokenListener.NONE);
            GeneratedSequence second = generator.generate(PROMPT, sampling, TokenListener.NONE);
            boolean repeatable = Arrays.equals(first.tokens(), second.tokens());
            boolean passed = greedy.length == NEW_TOKENS && agreement[0] == NEW_TOKENS && repeatable;
            String figure = String.format(Locale.ROOT, "greedy %d/%d = argmax%s; seeded sampling %s", agreement[0],
                    NEW_TOKENS, agreement[1] > 0 ? " (" + agreement[1] + " near-ties)" : "",
                    repeatable ? "repeats" : "differs");
            String detail = "greedy [" + joinIds(greedy) + "]; sampled (T 0.8, top-p 0.9, seed 7) [" + joinIds(
                    first.tokens()) + "]" + (repeatable ? "" : " then [" + joinIds(second.tokens()) + "]");
            return Result.of(GENERATE, passed, figure, detail);
        }
    }

    /**
     * For each generated token: is it the argmax of a full forward (no cache) over prompt + earlier tokens? Returns
     * {tokens that agree, of which near-ties}: a near-tie is a different argmax whose logit exceeds the generated
     * token's by at most {@code tolerance × max |logit|}.
     */
    static int[] argmaxAgreement(CausalLM model, long[] generated, double tolerance) {
        int vocab = model.config().vocabSize();
        int agree = 0;
        int nearTies = 0;
        long[] seq = Arrays.copyOf(PROMPT, PROMPT.length + generated.length);
        for (int s = 0; s < generated.length; s++) {
            int len = PROMPT.length + s;
            float[] all = logits(model, Arrays.copyOf(seq, len)); // (1, len, V)
            float[] last = Arrays.copyOfRange(all, (len - 1) * vocab, len * vocab);
            int best = Sampler.argmax(last);
            float scale = 0;
            for (float v : last) {
                scale = Math.max(scale, Math.abs(v));
            }
            int token = Math.toIntExact(generated[s]);
            if (token == best) {
                agree++;
            } else if (last[best] - last[token] <= tolerance * scale) {
                agree++;
                nearTies++;
            }
            seq[len] = generated[s];
        }
        return new int[] {agree, nearTies};
    }

    private static String joinIds(long[] ids) {
        StringBuilder sb = new StringBuilder();
        for (long id : ids) {
            sb.append(sb.length() == 0 ? "" : " ").append(id);
        }
        return sb.toString();
    }
}
