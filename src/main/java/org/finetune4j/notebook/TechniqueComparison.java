package org.finetune4j.notebook;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.finetune4j.chat.ChatCompleter;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.config.GenerationConfig;
import org.finetune4j.data.SftDataset;
import org.finetune4j.eval.EvalExample;
import org.finetune4j.eval.EvalReport;
import org.finetune4j.eval.JsonObjective;
import org.finetune4j.eval.JsonObjectiveEvaluator;
import org.finetune4j.eval.SummaryMetric;
import org.finetune4j.generate.ChatModel;
import org.finetune4j.generate.SamplingConfig;
import org.finetune4j.model.PretrainedModel;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.TechniqueConfig;
import org.finetune4j.peft.TechniqueReport;
import org.finetune4j.peft.TechniqueType;
import org.finetune4j.task.PaymentsRecipe;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.finetune4j.tokenizer.HfTokenizer;
import org.finetune4j.train.TrainerConfig;
import org.finetune4j.train.TrainingResult;
import org.knowm.xchart.CategoryChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Trains several techniques for the same budget on the same data and measures each the same way (notebook 09):
 * trainable parameters, estimated and measured memory, training time, and the JSON objective on the same
 * evaluation messages.
 *
 * <p>Every technique starts from a freshly loaded base model ({@link PeftModel#create} changes the base in place,
 * and full fine-tuning changes its weights), and its model is freed before the next one is loaded, so runs
 * neither see each other's updates nor add up in memory. Runs are sequential: DJL allows one gradient
 * collector per process.
 */
public final class TechniqueComparison {
    private final Path modelDir;
    private final SftDataset data;
    private final List<EvalExample> evalExamples;
    private final JsonObjective objective;
    private final Function<TechniqueType, TrainerConfig> trainerConfig;
    private final long seed;
    private final int maxNewTokens;
    private final int evalBatchSize;
    private final Consumer<String> log;
    private final UnaryOperator<List<ChatMessage>> promptAugmentation;

    private TechniqueComparison(Builder b) {
        this.modelDir = b.modelDir;
        this.data = b.data;
        this.evalExamples = List.copyOf(b.evalExamples);
        this.objective = b.objective;
        this.trainerConfig = b.trainerConfig;
        this.seed = b.seed;
        this.maxNewTokens = b.maxNewTokens;
        this.evalBatchSize = b.evalBatchSize;
        this.promptAugmentation = b.promptAugmentation;
        this.log = b.log;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Learning rates that work for a short run of each technique on a small model ({@link
     * PaymentsRecipe#learningRate}): techniques that train few scalars from scratch (prompt, prefix, BitFit) need
     * larger steps than LoRA; full fine-tuning moves pretrained weights and needs smaller ones.
     */
    public static double defaultLearningRate(TechniqueType type) {
        return PaymentsRecipe.defaults().learningRate(type);
    }

    /** Runs every technique in map order; the map keys name the rows. */
    public Result run(Map<String, TechniqueConfig> techniques) {
        if (techniques.isEmpty()) {
            throw new IllegalArgumentException("no technique to compare");
        }
        List<Run> runs = new ArrayList<>();
        try (HfTokenizer tokenizer = HfTokenizer.load(modelDir)) {
            GenerationConfig generation = GenerationConfig.read(modelDir);
            for (Map.Entry<String, TechniqueConfig> e : techniques.entrySet()) {
                runs.add(runOne(e.getKey(), e.getValue(), tokenizer, generation));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(modelDir + ": cannot load the tokenizer: " + e.getMessage(), e);
        }
        return new Result(runs);
    }

    private Run runOne(String name, TechniqueConfig technique, HfTokenizer tokenizer, GenerationConfig generation) {
        log.accept(name + ": training " + technique.type() + " …");
        PeakRss memory = PeakRss.start();
        try (NDManager root = Djl.engine().newBaseManager()) {
            LlamaForCausalLM base = PretrainedModel.load(modelDir, root, DevicePolicy.fromEnvironment());
            PeftModel model = PeftModel.create(base, technique, seed);
            TechniqueReport report = model.report();
            TrainingResult training = PeftTraining.fit(model, data, trainerConfig.apply(technique.type()),
                    List.of(memory));
            ChatModel chat = new ChatModel(model, tokenizer, generation).optBatchSize(evalBatchSize)
                    .optPromptAugmentation(promptAugmentation);
            SamplingConfig sampling = maxNewTokens > 0
                    ? chat.defaultSampling().toBuilder().optMaxNewTokens(maxNewTokens).build()
                    : chat.defaultSampling();
            ChatCompleter completer = new ChatCompleter() {
                @Override
                public String complete(List<ChatMessage> conversation) {
                    return chat.chat(conversation, sampling);
                }

                @Override
                public List<String> completeAll(List<List<ChatMessage>> conversations) {
                    return chat.chatAll(conversations, sampling);
                }
            };
            EvalReport evaluation = JsonObjectiveEvaluator.builder().setObjective(objective)
                    .optBatchSize(evalBatchSize).build().evaluate(completer, evalExamples);
            Run run = new Run(name, report, training, memory.peakMb(), evaluation);
            log.accept(run.summary());
            return run;
        }
    }

    /**
     * One technique's numbers.
     *
     * @param name       the row name (the map key)
     * @param report     parameter counts and the weights + optimizer memory estimate
     * @param training   the training run
     * @param peakRssMb  peak resident memory of the process while training and evaluating it (NaN if unknown)
     * @param evaluation the JSON objective on the evaluation messages
     */
    public record Run(String name, TechniqueReport report, TrainingResult training, double peakRssMb,
            EvalReport evaluation) {
        public double trainSeconds() {
            return training.elapsed().toMillis() / 1000.0;
        }

        /** Frozen weights + trainable weights + AdamW state, in MB (10^6 bytes). */
        public double estimatedMemoryMb() {
            return (report.frozenBytes() + report.trainableBytes() + report.optimizerStateBytes()) / 1e6;
        }

        String summary() {
            return String.format(Locale.ROOT,
                    "%s: %d steps in %.1f s, loss %.4f, valid JSON %.0f%%, exact match %.0f%%",
                    name, training.steps(), trainSeconds(), training.finalLoss(),
                    100 * evaluation.overall().validJsonRate(), 100 * evaluation.overall().exactMatchRate());
        }
    }

    /** The runs in the order they were given. */
    public record Result(List<Run> runs) {
        public Result {
            runs = List.copyOf(runs);
        }

        /**
         * One row per technique: {@code technique}, {@code type}, {@code trainable_params}, {@code trainable_pct},
         * {@code est_memory_mb}, {@code peak_rss_mb}, {@code train_s}, {@code steps}, {@code final_loss}, then the
         * {@code valid_json_rate}, {@code exact_match_rate} and {@code field_accuracy} of the evaluation.
         */
        public Table table() {
            StringColumn name = StringColumn.create("technique");
            StringColumn type = StringColumn.create("type");
            LongColumn trainable = LongColumn.create("trainable_params");
            DoubleColumn pct = DoubleColumn.create("trainable_pct");
            DoubleColumn estimated = DoubleColumn.create("est_memory_mb");
            DoubleColumn rss = DoubleColumn.create("peak_rss_mb");
            DoubleColumn seconds = DoubleColumn.create("train_s");
            IntColumn steps = IntColumn.create("steps");
            DoubleColumn loss = DoubleColumn.create("final_loss");
            DoubleColumn valid = DoubleColumn.create(SummaryMetric.VALID_JSON_RATE.key());
            DoubleColumn exact = DoubleColumn.create(SummaryMetric.EXACT_MATCH_RATE.key());
            DoubleColumn fields = DoubleColumn.create(SummaryMetric.FIELD_ACCURACY.key());
            for (Run r : runs) {
                name.append(r.name());
                type.append(r.report().type().name());
                trainable.append(r.report().trainableParameters());
                pct.append(100 * r.report().trainableFraction());
                estimated.append(r.estimatedMemoryMb());
                rss.append(r.peakRssMb());
                seconds.append(r.trainSeconds());
                steps.append(r.training().steps());
                loss.append(r.training().finalLoss());
                valid.append(r.evaluation().overall().validJsonRate());
                exact.append(r.evaluation().overall().exactMatchRate());
                fields.append(r.evaluation().overall().fieldAccuracy());
            }
            return Table.create("technique comparison", name, type, trainable, pct, estimated, rss, seconds, steps,
                    loss, valid, exact, fields);
        }

        /** Technique reports by row name, for {@link Charts#trainableParameters} and {@link Charts#memory}. */
        public Map<String, TechniqueReport> reports() {
            Map<String, TechniqueReport> out = new LinkedHashMap<>();
            runs.forEach(r -> out.put(r.name(), r.report()));
            return out;
        }

        /** Evaluation reports by row name, for {@code EvalReport.compare} and {@code EvalCharts}. */
        public Map<String, EvalReport> evaluations() {
            Map<String, EvalReport> out = new LinkedHashMap<>();
            runs.forEach(r -> out.put(r.name(), r.evaluation()));
            return out;
        }

        /** Valid-JSON rate and exact match per technique. */
        public CategoryChart qualityChart() {
            return Charts.evalMetrics(evaluations(), SummaryMetric.VALID_JSON_RATE, SummaryMetric.EXACT_MATCH_RATE);
        }

        /** Training time per technique, in seconds. */
        public CategoryChart timeChart() {
            Map<String, Double> seconds = new LinkedHashMap<>();
            runs.forEach(r -> seconds.put(r.name(), r.trainSeconds()));
            return Charts.bars("Training time (same steps, same data)", "seconds", seconds);
        }
    }

    /** Builder in DJL style; model, data, evaluation messages and objective are required. */
    public static final class Builder {
        private Path modelDir;
        private SftDataset data;
        private List<EvalExample> evalExamples;
        private JsonObjective objective;
        private Function<TechniqueType, TrainerConfig> trainerConfig;
        private long seed = 42;
        private int maxNewTokens;
        private int evalBatchSize = 32;
        private Consumer<String> log = s -> { };
        private UnaryOperator<List<ChatMessage>> promptAugmentation = UnaryOperator.identity();

        private Builder() {}

        /** An HF model directory; it is loaded anew for every technique. */
        public Builder setModelDir(Path modelDir) {
            if (!Files.isDirectory(modelDir)) {
                throw new IllegalArgumentException("model directory not found: " + modelDir);
            }
            this.modelDir = modelDir;
            return this;
        }

        public Builder setTrainData(SftDataset data) {
            this.data = Objects.requireNonNull(data, "data");
            return this;
        }

        public Builder setEvalExamples(List<EvalExample> examples) {
            if (examples.isEmpty()) {
                throw new IllegalArgumentException("need at least one evaluation example");
            }
            this.evalExamples = examples;
            return this;
        }

        public Builder setObjective(JsonObjective objective) {
            this.objective = Objects.requireNonNull(objective, "objective");
            return this;
        }

        /**
         * The trainer settings per technique — the same steps for all; usually only the learning rate differs.
         * Default: {@code TrainerConfig.builder()} defaults with {@link #defaultLearningRate}.
         */
        public Builder optTrainerConfig(Function<TechniqueType, TrainerConfig> trainerConfig) {
            this.trainerConfig = Objects.requireNonNull(trainerConfig, "trainerConfig");
            return this;
        }

        /** Seeds every technique's new tensors. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Longest evaluation answer in tokens (0 = the checkpoint's default). */
        public Builder optMaxNewTokens(int maxNewTokens) {
            if (maxNewTokens < 0) {
                throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
            }
            this.maxNewTokens = maxNewTokens;
            return this;
        }

        public Builder optEvalBatchSize(int evalBatchSize) {
            if (evalBatchSize < 1) {
                throw new IllegalArgumentException("evalBatchSize must be >= 1, got " + evalBatchSize);
            }
            this.evalBatchSize = evalBatchSize;
            return this;
        }

        /**
         * How every evaluation prompt is rewritten before generation (default: not at all), e.g. with the retrieved
         * examples the training data was augmented with.
         */
        public Builder optPromptAugmentation(UnaryOperator<List<ChatMessage>> augmentation) {
            this.promptAugmentation = Objects.requireNonNull(augmentation, "augmentation");
            return this;
        }

        /** Receives one line when a technique starts and one with its numbers when it is done. */
        public Builder optLog(Consumer<String> log) {
            this.log = Objects.requireNonNull(log, "log");
            return this;
        }

        public TechniqueComparison build() {
            Objects.requireNonNull(modelDir, "modelDir is required");
            Objects.requireNonNull(data, "train data is required");
            Objects.requireNonNull(evalExamples, "evaluation examples are required");
            Objects.requireNonNull(objective, "objective is required");
            if (trainerConfig == null) {
                trainerConfig = type -> TrainerConfig.builder().setLearningRate(defaultLearningRate(type)).build();
            }
            return new TechniqueComparison(this);
        }
    }
}
