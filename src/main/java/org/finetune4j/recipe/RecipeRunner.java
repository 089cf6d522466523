package org.finetune4j.recipe;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.finetune4j.config.GenerationConfig;
import org.finetune4j.data.ChatDatasetReader;
import org.finetune4j.data.PaddedBatchSource;
import org.finetune4j.data.SftDataBuilder;
import org.finetune4j.data.SftDataset;
import org.finetune4j.data.TrainingConversation;
import org.finetune4j.eval.EvalReport;
import org.finetune4j.export.MergedModelWriter;
import org.finetune4j.generate.ChatModel;
import org.finetune4j.generate.constraint.SavedDecoding;
import org.finetune4j.io.AtomicFiles;
import org.finetune4j.io.hub.ModelLocator;
import org.finetune4j.model.PretrainedModel;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.TechniqueConfig;
import org.finetune4j.peft.TechniqueReport;
import org.finetune4j.rag.RetrievalAugmentation;
import org.finetune4j.rag.RetrievalConfig;
import org.finetune4j.rag.SavedPrompting;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.finetune4j.tokenizer.HfTokenizer;
import org.finetune4j.train.CheckpointStore;
import org.finetune4j.train.CheckpointedBackprop;
import org.finetune4j.train.ConsoleProgressBar;
import org.finetune4j.train.CsvMetricsLogger;
import org.finetune4j.train.GradientComputer;
import org.finetune4j.train.StandardBackprop;
import org.finetune4j.train.Trainer;
import org.finetune4j.train.TrainerConfig;
import org.finetune4j.train.TrainingResult;

/**
 * Runs a {@link Recipe} end to end with the library's own classes: locate and load the base model
 * ({@link ModelLocator}, {@link PretrainedModel}), build the data ({@link ChatDatasetReader},
 * {@link SftDataBuilder}), apply the technique ({@link PeftModel#create}), train ({@link Trainer} with a
 * {@link CsvMetricsLogger}, a {@link ConsoleProgressBar} and checkpoints under {@code output.dir/checkpoints}),
 * save the adapter ({@link Adapters}) or, for full fine-tuning, the whole model, optionally the merged model
 * ({@link MergedModelWriter}), and evaluate ({@link JsonEvaluation}). File layout: {@link RunDirectory}.
 *
 * <p>A fresh run refuses an output directory that already holds checkpoints (pass {@code resume} to continue it);
 * a resumed run continues from the newest checkpoint and first drops metric lines of steps after it, so the CSV
 * lists every step once.
 */
public final class RecipeRunner {
    private final Recipe recipe;
    private final boolean resume;
    private final PrintWriter log;
    private final PrintStream progress;
    private final RunDirectory run;

    private RecipeRunner(Builder b) {
        this.recipe = b.recipe;
        this.resume = b.resume;
        this.log = b.log;
        this.progress = b.progress;
        this.run = new RunDirectory(recipe.output().dir());
    }

    public static Builder builder() {
        return new Builder();
    }

    public RunDirectory runDirectory() {
        return run;
    }

    /**
     * What a run produced.
     *
     * @param training the training run
     * @param report   the technique's parameter and memory report
     * @param saved    the adapter directory, or the whole model's directory for full fine-tuning
     * @param merged   the merged checkpoint, if one was written
     * @param eval     the evaluation, if the recipe has an {@code eval} section
     */
    public record Result(TrainingResult training, TechniqueReport report, Path saved, Optional<Path> merged,
            Optional<EvalReport> eval) {}

    /** Loads the model and applies the technique, without data or training: what a dry run reports. */
    public TechniqueReport plan() throws IOException {
        Path modelDir = locateModel();
        try (NDManager root = Djl.engine().newBaseManager()) {
            LlamaForCausalLM base = PretrainedModel.load(modelDir, root, DevicePolicy.fromEnvironment());
            return PeftModel.create(base, recipe.technique().toConfig(), trainerConfig().seed()).report();
        }
    }

    /** Trains, saves and evaluates as the recipe says. */
    public Result run() throws IOException {
        Optional<Path> checkpoint = checkpointToResume();
        Path modelDir = locateModel();
        TrainerConfig trainerConfig = trainerConfig();
        TechniqueConfig technique = recipe.technique().toConfig();
        RetrievalAugmentation rag = openRetrieval();
        if (!recipe.promptTools().isEmpty()) {
            log.println("prompt tools: " + recipe.promptTools());
        }
        try (NDManager root = Djl.engine().newBaseManager(); HfTokenizer tok = HfTokenizer.load(modelDir)) {
            GenerationConfig generation = GenerationConfig.read(modelDir);
            Data data = buildData(tok, rag);
            log.printf(Locale.ROOT, "data: %d training rows (%d batches per epoch), %d validation rows%n",
                    data.train().train().rowCount(), data.train().train().batchesPerEpoch(),
                    data.validation().map(PaddedBatchSource::rowCount).orElse(0));
            LlamaForCausalLM base = PretrainedModel.load(modelDir, root, DevicePolicy.fromEnvironment());
            PeftModel model = PeftModel.create(base, technique, trainerConfig.seed());
            TechniqueReport report = model.report();
            log.println(report);
            log.flush();

            TrainingResult result = train(model, data, trainerConfig, checkpoint);
            log.printf(Locale.ROOT, "%s after %d of %d steps, final loss %.4f%s%n", result.status(), result.steps(),
                    result.totalSteps(), result.finalLoss(), Double.isNaN(result.lastValidationLoss()) ? ""
                            : String.format(Locale.ROOT, ", validation loss %.4f", result.lastValidationLoss()));

            String baseName = recipe.model().path();
            Path saved;
            if (Adapters.hasAdapter(model.type())) {
                saved = run.adapter();
                Adapters.save(model, saved, baseName);
            } else {
                saved = run.model();
                MergedModelWriter.save(model, saved, modelDir, generation);
            }
            savePrompting(saved);
            log.println("saved " + saved);
            Optional<Path> merged = Optional.empty();
            if (recipe.output().merged() && Adapters.hasAdapter(model.type())) {
                MergedModelWriter.save(model, run.merged(), modelDir, generation);
                savePrompting(run.merged());
                merged = Optional.of(run.merged());
                log.println("saved the merged model " + run.merged());
            }
            log.flush();

            Optional<EvalReport> eval = Optional.empty();
            if (recipe.eval() != null) {
                ChatModel chat = new ChatModel(model, tok, generation)
                        .optPromptAugmentation(SavedPrompting.compose(recipe.tools(), rag))
                        .optDecodingConstraint(recipe.decodingConstraint());
                EvalReport evaluation = JsonEvaluation.evaluate(chat, recipe.eval());
                evaluation.writeJson(run.evalReport());
                log.printf(Locale.ROOT, "evaluation on %d examples of %s (report: %s)%n", evaluation.n(),
                        recipe.eval().file(), run.evalReport());
                JsonEvaluation.print(evaluation, recipe.eval().groupBy(), log);
                eval = Optional.of(evaluation);
            }
            return new Result(result, report, saved, merged, eval);
        } finally {
            if (rag != null) {
                rag.retriever().close();
            }
        }
    }

    private TrainingResult train(PeftModel model, Data data, TrainerConfig config, Optional<Path> checkpoint)
            throws IOException {
        GradientComputer gradients = recipe.trainer().useActivationCheckpointing() ? new CheckpointedBackprop(model)
                : new StandardBackprop(model);
        if (checkpoint.isPresent()) {
            dropMetricsAfter(CheckpointStore.stepOf(checkpoint.get()));
        } else {
            Files.deleteIfExists(run.metrics());
        }
        model.setNeftuneNoiseAlpha(recipe.trainer().neftuneAlpha()).setTraining(true);
        try (CsvMetricsLogger csv = new CsvMetricsLogger(run.metrics())) {
            Trainer trainer = Trainer.builder().setParameters(model.trainableParameters())
                    .setGradientComputer(gradients).setTrainData(data.train().train())
                    .optValidationData(data.validation().orElse(null)).setConfig(config).addListener(csv)
                    .addListener(new ConsoleProgressBar(progress, 100))
                    .optStopOnShutdown(true, Duration.ofSeconds(20)).build();
            if (checkpoint.isPresent()) {
                log.println("resuming from " + checkpoint.get());
                log.flush();
                return trainer.resume(checkpoint.get());
            }
            return trainer.fit();
        } finally {
            model.setTraining(false);
        }
    }

    private Optional<Path> checkpointToResume() throws IOException {
        Optional<Path> latest = CheckpointStore.latest(run.checkpoints());
        if (resume && latest.isEmpty()) {
            throw new IllegalStateException("nothing to resume: no checkpoint-<step> directory in "
                    + run.checkpoints());
        }
        if (!resume && latest.isPresent()) {
            throw new IllegalStateException(run.checkpoints() + " already holds " + latest.get().getFileName()
                    + ": resume that run (--resume) or choose another output.dir");
        }
        return resume ? latest : Optional.empty();
    }

    /** Keeps the header and the metric lines up to {@code step}: the steps after it will be trained again. */
    private void dropMetricsAfter(long step) throws IOException {
        if (!Files.isRegularFile(run.metrics())) {
            return;
        }
        List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(run.metrics(), StandardCharsets.UTF_8)) {
            if (kept.isEmpty() || line.isBlank()) {
                kept.add(line);
                continue;
            }
            String first = line.substring(0, Math.max(0, line.indexOf(',')));
            try {
                if (Long.parseLong(first) <= step) {
                    kept.add(line);
                }
            } catch (NumberFormatException e) {
                throw new IOException(run.metrics() + ": not a metrics line: " + line, e);
            }
        }
        AtomicFiles.writeString(run.metrics(), String.join("\n", kept) + "\n");
    }

    private Path locateModel() throws IOException {
        return ModelLocator.resolve(recipe.model().path(), recipe.model().revision(),
                ModelLocator.Options.defaults());
    }

    private TrainerConfig trainerConfig() {
        return recipe.trainer().toTrainerConfig(recipe.technique(), run.checkpoints());
    }

    /** Training batches and, from the validation file or held out of the training file, validation batches. */
    private record Data(SftDataset train, Optional<PaddedBatchSource> validation) {}

    /** The recipe's retrieval, its examples indexed; null when it has none. */
    private RetrievalAugmentation openRetrieval() throws IOException {
        RetrievalConfig r = recipe.retrieval();
        if (r == null) {
            return null;
        }
        long t0 = System.nanoTime();
        RetrievalAugmentation rag = r.open(Path.of(""));
        log.printf(Locale.ROOT, "retrieval: %,d examples of %s indexed in %.1f s%n", rag.retriever().examples().size(),
                r.examples(), (System.nanoTime() - t0) / 1e9);
        return rag;
    }

    /**
     * Saves the recipe's prompt tools, retrieval (config and a copy of the examples) and decoding constraint beside
     * a saved model, so that it is prompted later as it was trained and answers as it was evaluated.
     */
    private void savePrompting(Path dir) throws IOException {
        recipe.tools().saveTo(dir);
        SavedDecoding.save(dir, recipe.decodingConstraint());
        if (recipe.retrieval() != null) {
            recipe.retrieval().saveTo(dir, Path.of(recipe.retrieval().examples()));
        }
    }

    /**
     * Each conversation rewritten by the prompt tools and with its retrieved examples (never its own group's), as
     * training sees them.
     */
    private List<TrainingConversation> augment(List<TrainingConversation> conversations, RetrievalAugmentation rag) {
        List<TrainingConversation> tooled = recipe.tools().forTraining(conversations);
        return rag == null ? tooled : rag.forTraining(tooled, recipe.retrieval()::group);
    }

    private Data buildData(HfTokenizer tok, RetrievalAugmentation rag) throws IOException {
        Recipe.Data spec = recipe.data();
        ChatDatasetReader.Builder reader = ChatDatasetReader.builder();
        spec.format().datasetFormat().ifPresent(reader::optFormat);
        ChatDatasetReader chatReader = reader.build();
        List<TrainingConversation> train = augment(first(read(chatReader, spec.train()), spec.limit()), rag);
        boolean separateValidation = spec.validation() != null;
        SftDataset trainData = dataBuilder(tok, separateValidation ? 0
                : Objects.requireNonNullElse(spec.validationCount(), 0)).fromConversations(train);
        if (!separateValidation) {
            return new Data(trainData, trainData.validation());
        }
        List<TrainingConversation> validation = augment(first(read(chatReader, spec.validation()),
                spec.validationLimit()), rag);
        // Validation loss is the token mean over every row, so the order of this source's rows does not matter.
        return new Data(trainData, Optional.of(dataBuilder(tok, 0).fromConversations(validation).train()));
    }

    private static List<TrainingConversation> read(ChatDatasetReader reader, Path file) throws IOException {
        JsonEvaluation.requireFile(file, "data file");
        return reader.read(file).conversations();
    }

    private static <T> List<T> first(List<T> all, Integer limit) {
        return limit != null && limit > 0 && limit < all.size() ? all.subList(0, limit) : all;
    }

    private SftDataBuilder dataBuilder(HfTokenizer tok, int validationCount) {
        Recipe.Data spec = recipe.data();
        SftDataBuilder.Builder b = SftDataBuilder.builder().setTokenizer(tok).optValidationCount(validationCount);
        spec.format().datasetFormat().ifPresent(b::optFormat);
        if (spec.maxLength() != null) {
            b.optMaxLength(spec.maxLength());
        }
        if (spec.packing() != null) {
            b.optPacking(spec.packing());
        }
        if (spec.seed() != null) {
            b.optSeed(spec.seed());
        }
        if (recipe.trainer().batchSize() != null) {
            b.optBatchSize(recipe.trainer().batchSize());
        }
        return b.build();
    }

    /** DJL-style builder; the recipe is required. */
    public static final class Builder {
        private Recipe recipe;
        private boolean resume;
        private PrintWriter log = new PrintWriter(System.out, true);
        private PrintStream progress = System.err;

        private Builder() {}

        public Builder setRecipe(Recipe recipe) {
            this.recipe = Objects.requireNonNull(recipe, "recipe");
            return this;
        }

        /** Continue from the newest checkpoint under {@code output.dir/checkpoints}. */
        public Builder optResume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /** Where progress lines, the technique report and the evaluation tables go (default standard output). */
        public Builder optLog(PrintWriter log) {
            this.log = Objects.requireNonNull(log, "log");
            return this;
        }

        /** Where the training progress bar goes (default standard error). */
        public Builder optProgress(PrintStream progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        public RecipeRunner build() {
            Objects.requireNonNull(recipe, "recipe is required");
            return new RecipeRunner(this);
        }
    }
}
