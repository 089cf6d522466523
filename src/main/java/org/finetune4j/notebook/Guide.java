package org.finetune4j.notebook;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.finetune4j.chat.ChatCompleter;
import org.finetune4j.config.GenerationConfig;
import org.finetune4j.data.ChatDatasetReader;
import org.finetune4j.data.SftDataBuilder;
import org.finetune4j.data.SftDataset;
import org.finetune4j.data.TrainingConversation;
import org.finetune4j.eval.EvalReport;
import org.finetune4j.export.MergedModelWriter;
import org.finetune4j.export.PeftAdapterReader;
import org.finetune4j.export.PeftAdapterWriter;
import org.finetune4j.generate.ChatModel;
import org.finetune4j.model.CausalLM;
import org.finetune4j.model.PretrainedModel;
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
import org.finetune4j.peft.TechniqueConfig;
import org.finetune4j.peft.TechniqueReport;
import org.finetune4j.peft.TechniqueType;
import org.finetune4j.generate.constraint.SavedDecoding;
import org.finetune4j.rag.SavedPrompting;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.finetune4j.task.PaymentsEvaluation;
import org.finetune4j.task.PaymentsRecipe;
import org.finetune4j.task.PaymentsRetrieval;
import org.finetune4j.task.Split;
import org.finetune4j.tokenizer.HfTokenizer;
import org.finetune4j.train.ScheduleType;
import org.finetune4j.train.TrainerConfig;
import org.finetune4j.train.TrainingListener;
import org.finetune4j.train.TrainingResult;
import tech.tablesaw.api.Table;

/**
 * The notebooks' entry points into the library, for the places where the library's own API takes more than a
 * line or two: where the project's files are, the bundled task's data and evaluation, the guide's training
 * recipe, and the outputs notebooks 06–08 reuse. Everything here is a short composition of library calls; read
 * the source to see the full API a cell stands for.
 *
 * <p>Notebooks run with their own folder as working directory, so every path is found from the project root
 * ({@link #projectRoot()}), never from the working directory. How long the runs are comes from
 * {@link #budget()} (environment variables, so CI can run every notebook quickly).
 */
public final class Guide {
    /** Seeds every new tensor, the data order and the split (the recipe's seed). */
    public static final long SEED = PaymentsRecipe.SEED;
    /** Adapter of notebook 05 under {@link #runsDir()}, reused by 06–08. */
    public static final String NOTEBOOK_ADAPTER = "notebook-adapter";
    /** Merged model of notebook 06 under {@link #runsDir()}, used by 08. */
    public static final String NOTEBOOK_MERGED = "notebook-merged";
    /** Environment variable naming the folder to use instead of the checkout's {@code runs/}. */
    public static final String RUNS_DIR = "FINETUNE4J_RUNS_DIR";

    private static final Path MARKER = Path.of("data", "task", "schema.json");

    private Guide() {}

    // ------------------------------------------------------------------ where things are

    /** The checkout holding {@code data/task}, found from the working directory upwards. */
    public static Path projectRoot() {
        return projectRoot(Path.of("").toAbsolutePath());
    }

    /**
     * The nearest directory at or above {@code start} that holds {@code data/task/schema.json}.
     *
     * @throws IllegalStateException naming {@code start} when there is none
     */
    public static Path projectRoot(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(MARKER))) {
                return dir;
            }
        }
        throw new IllegalStateException("no finetune4j checkout (a folder with " + MARKER + ") at or above "
                + start.toAbsolutePath() + "; open the notebook from the project's notebooks/ folder");
    }

    /** {@code data/models/tiny-base}: the small Llama the guide fine-tunes. */
    public static Path bundledModelDir() {
        Path dir = projectRoot().resolve("data/models/tiny-base");
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new IllegalStateException("bundled model not found in " + dir
                    + "; build it with `bin/finetune4j pretrain-tiny-base`");
        }
        return dir;
    }

    /** {@code data/task}: train/validation/test/examples JSONL and {@code schema.json}. */
    public static Path taskDir() {
        return projectRoot().resolve("data/task");
    }

    /**
     * Where notebooks save adapters and models: {@code runs/} of the checkout (git-ignored), or the folder named
     * by {@value #RUNS_DIR}. The notebook tests set it so that a quick CI run never replaces the adapter a full run
     * left in {@code runs/} (notebooks 06–08 reuse whatever adapter they find there).
     */
    public static Path runsDir() {
        return runsDir(System.getenv());
    }

    /** {@link #runsDir()} for the variables in {@code env}. */
    public static Path runsDir(Map<String, String> env) {
        String dir = env.get(RUNS_DIR);
        if (dir == null || dir.isBlank()) {
            return projectRoot().resolve("runs");
        }
        return Path.of(dir.trim()).toAbsolutePath();
    }

    /** The run length selected by the environment ({@link NotebookBudget#fromEnvironment()}). */
    public static NotebookBudget budget() {
        return NotebookBudget.fromEnvironment();
    }

    /** Cap on optimizer steps of this budget (0 = the epochs decide). */
    public static int steps() {
        return budget().maxSteps();
    }

    // ------------------------------------------------------------------ model, tokenizer, evaluation

    /** The bundled model's tokenizer (with its chat template). */
    public static HfTokenizer tokenizer() throws IOException {
        return HfTokenizer.load(bundledModelDir());
    }

    /** The bundled model, on the device {@code FINETUNE4J_DEVICE} selects (CUDA when DJL finds one). */
    public static LlamaForCausalLM loadBundledModel() {
        return PretrainedModel.load(bundledModelDir());
    }

    /** A chat front end for {@code model} (base or fine-tuned) with the bundled tokenizer and generation defaults. */
    public static ChatModel chat(CausalLM model) throws IOException {
        return new ChatModel(model, tokenizer(), GenerationConfig.read(bundledModelDir())).optBatchSize(32);
    }

    /** The JSON objective on the first {@code limit} test messages (0 = all 500). */
    public static EvalReport evaluate(ChatCompleter model, int limit) {
        return evaluate(model, Split.TEST, limit);
    }

    /** The JSON objective on the first {@code limit} messages of a split ({@code examples.jsonl}: hand-written). */
    public static EvalReport evaluate(ChatCompleter model, Split split, int limit) {
        Path file = taskDir().resolve(split.wireName() + ".jsonl");
        return PaymentsEvaluation.evaluate(model, taskDir(), file, limit, 32);
    }

    /** Messages, gold answers and the model's answers of the first {@code limit} evaluated examples. */
    public static Table answers(EvalReport report, int limit) {
        return GuideTables.answers(report, limit);
    }

    /** {@code base} and {@code tuned} in that order, named "base" and "LoRA", for the comparison tables and charts. */
    public static Map<String, EvalReport> beforeAfter(EvalReport base, EvalReport tuned) {
        Map<String, EvalReport> out = new LinkedHashMap<>();
        out.put("base", base);
        out.put("LoRA", tuned);
        return out;
    }

    /**
     * The before/after columns with the fine-tuned model twice: decoding freely (what fine-tuning alone achieves) and
     * under the recipe's decoding constraint (what the model answers in use).
     */
    public static Map<String, EvalReport> beforeAfter(EvalReport base, EvalReport tunedFree,
            EvalReport tunedConstrained) {
        Map<String, EvalReport> out = new LinkedHashMap<>();
        out.put("base", base);
        out.put("LoRA, free decoding", tunedFree);
        out.put("LoRA, constrained", tunedConstrained);
        return out;
    }

    // ------------------------------------------------------------------ training recipe

    /**
     * The guide's recipe on the bundled task ({@link PaymentsRecipe#defaults()}, the same numbers as
     * {@code finetune4j quickstart}) with the data budget of {@link #budget()}.
     */
    public static PaymentsRecipe recipe() {
        NotebookBudget b = budget();
        return PaymentsRecipe.defaults().withBudget(b.trainSamples(), b.epochs(), b.maxSteps());
    }

    /** The training data of {@link #recipe()}: assistant-only labels, packed rows, a validation hold-out. */
    public static SftDataset trainingData(HfTokenizer tokenizer) throws IOException {
        return recipe().trainingData(tokenizer, taskDir(), retrieval());
    }

    private static PaymentsRetrieval retrieval;

    /**
     * The recipe's retrieval (the guide's "fine-tuning plus retrieval"): the task's training requests, indexed once
     * per kernel; null when the recipe has none.
     */
    public static synchronized PaymentsRetrieval retrieval() {
        if (retrieval == null && recipe().retrieval() != PaymentsRecipe.Retrieval.NONE) {
            retrieval = recipe().openRetrieval(taskDir());
        }
        return retrieval;
    }

    /**
     * Training conversations as the recipe shows them to the model: the date and amount lines of its prompt tools
     * and the retrieved examples' vote added to each system prompt.
     */
    public static List<TrainingConversation> shownInTraining(List<TrainingConversation> conversations) {
        return recipe().shownInTraining(conversations, retrieval());
    }

    /**
     * A fine-tuned model as a chat model, prompted as it was trained: the recipe's prompt tools (the date and amount
     * lines) and retrieved examples, and answering under the recipe's decoding constraint (the task's schema, names
     * copied from the message; {@code .optDecodingConstraint(null)} for free decoding). {@link #chat} is the model
     * alone: the base model answers without them.
     */
    public static ChatModel tunedChat(CausalLM model) throws IOException {
        return chat(model).optPromptAugmentation(recipe().prompting(retrieval()))
                .optDecodingConstraint(recipe().decodingConstraint(taskDir()));
    }

    /**
     * Saves how the recipe prompts (its prompt tools, {@code prompt_tools.json}, and its retrieval settings and
     * examples, {@code retrieval.json}) and decodes ({@code decoding.json}) beside a saved adapter or merged model, so
     * that {@code ChatModel.load} and the command line prompt it as it was trained and it answers as evaluated.
     */
    public static void savePrompting(Path dir) throws IOException {
        recipe().savePrompting(dir, retrieval());
        recipe().saveDecoding(dir, taskDir());
    }

    /** The trainer settings of {@link #recipe()} for a technique (its learning rate, cosine, clipping). */
    public static TrainerConfig trainerConfig(TechniqueType type) {
        return recipe().trainerConfig(type);
    }

    /** Trains {@code model} on {@code data} with {@link #trainerConfig} for its technique, on this thread. */
    public static TrainingResult train(PeftModel model, SftDataset data, TrainingListener... listeners) {
        return PeftTraining.fit(model, data, trainerConfig(model.type()), Arrays.asList(listeners));
    }

    // ------------------------------------------------------------------ outputs shared between notebooks

    /**
     * {@code runs/notebook-adapter}, the LoRA adapter notebook 05 saves. When it is missing, trains a LoRA run of
     * {@link #budget()} first and saves it there, so notebooks 06–08 also run on their own.
     */
    public static Path ensureTrainedAdapter() throws IOException {
        Path dir = runsDir().resolve(NOTEBOOK_ADAPTER);
        if (Files.isRegularFile(dir.resolve("adapter_config.json"))) {
            return dir;
        }
        Path modelDir = bundledModelDir();
        System.out.println(dir + " is missing: training a LoRA adapter now (" + budget() + ")");
        try (NDManager root = Djl.engine().newBaseManager(); HfTokenizer tok = HfTokenizer.load(modelDir)) {
            PeftModel lora = PeftModel.create(PretrainedModel.load(modelDir, root, DevicePolicy.fromEnvironment()),
                    recipe().loraConfig(), SEED);
            TrainingResult result = train(lora, trainingData(tok));
            PeftAdapterWriter.save(lora, dir, modelDir.toString());
            savePrompting(dir);
            System.out.printf(Locale.ROOT, "%s after %d steps, final loss %.4f; adapter saved in %s%n",
                    result.status(), result.steps(), result.finalLoss(), dir);
        }
        return dir;
    }

    /**
     * {@code runs/notebook-merged}, the bundled model with the notebook adapter merged in (a plain HF model
     * directory with tokenizer files). Made from {@link #ensureTrainedAdapter()} when missing or older than it.
     */
    public static Path ensureMergedModel() throws IOException {
        Path adapter = ensureTrainedAdapter();
        Path dir = runsDir().resolve(NOTEBOOK_MERGED);
        Path config = dir.resolve("config.json");
        FileTime adapterTime = modified(adapter.resolve("adapter_config.json"));
        if (Files.isRegularFile(config) && modified(config).compareTo(adapterTime) >= 0) {
            return dir;
        }
        Path modelDir = bundledModelDir();
        try (NDManager root = Djl.engine().newBaseManager()) {
            LlamaForCausalLM base = PretrainedModel.load(modelDir, root, DevicePolicy.fromEnvironment());
            PeftModel tuned = PeftAdapterReader.load(base, adapter);
            MergedModelWriter.save(tuned, dir, modelDir, GenerationConfig.read(modelDir));
        }
        SavedPrompting.copy(adapter, dir);
        SavedDecoding.copy(adapter, dir);
        System.out.println("merged " + adapter + " into " + dir);
        return dir;
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the time of " + file, e);
        }
    }

    /** The fine-tuned model of notebook 05: the bundled base with {@link #ensureTrainedAdapter()} applied. */
    public static PeftModel loadTunedModel() throws IOException {
        return PeftAdapterReader.load(loadBundledModel(), ensureTrainedAdapter());
    }

    // ------------------------------------------------------------------ techniques (steps 3 and 9)

    /**
     * The seven techniques with the guide's settings, in the order the guide presents them: full fine-tuning,
     * LoRA (r = 16, alpha = 16, all projections), QLoRA (the same LoRA over a 4-bit base), prompt tuning
     * (20 virtual tokens), prefix tuning (20 positions), Houlsby adapters, BitFit.
     */
    public static Map<String, TechniqueConfig> guideTechniques() {
        LoraConfig lora = recipe().loraConfig();
        Map<String, TechniqueConfig> t = new LinkedHashMap<>();
        t.put("full", FullFineTuningConfig.all());
        t.put("LoRA", lora);
        t.put("QLoRA", QloraConfig.of(lora));
        t.put("prompt tuning", new PromptTuningConfig(20, PromptInit.SAMPLE_VOCAB, null));
        t.put("prefix tuning", new PrefixTuningConfig(20, false, 0));
        t.put("adapters", AdapterConfig.houlsby());
        t.put("BitFit", BitFitConfig.allProjections());
        return t;
    }

    /**
     * Each technique applied to a freshly loaded bundled model (applying one changes the base in place), its
     * {@link TechniqueReport} taken, the model freed again.
     */
    public static Map<String, TechniqueReport> techniqueReports(Map<String, TechniqueConfig> techniques) {
        Path modelDir = bundledModelDir();
        Map<String, TechniqueReport> out = new LinkedHashMap<>();
        techniques.forEach((name, config) -> {
            try (NDManager root = Djl.engine().newBaseManager()) {
                LlamaForCausalLM base = PretrainedModel.load(modelDir, root, DevicePolicy.fromEnvironment());
                out.put(name, PeftModel.create(base, config, SEED).report());
            }
        });
        return out;
    }

    /**
     * Step 9: trains every technique on the bundled model for the same {@link #budget()} on the same data and
     * evaluates each on the same test messages (answers up to 128 tokens); prints one line per technique.
     */
    public static TechniqueComparison.Result compareTechniques(Map<String, TechniqueConfig> techniques)
            throws IOException {
        Path modelDir = bundledModelDir();
        SftDataset data;
        try (HfTokenizer tok = HfTokenizer.load(modelDir)) {
            data = trainingData(tok);
        }
        return TechniqueComparison.builder().setModelDir(modelDir).setTrainData(data)
                .setEvalExamples(PaymentsEvaluation.examples(taskDir().resolve("test.jsonl"), budget().evalLimit()))
                .setObjective(PaymentsEvaluation.objective(taskDir())).optTrainerConfig(Guide::trainerConfig)
                .optSeed(SEED).optMaxNewTokens(128).optLog(System.out::println)
                .optPromptAugmentation(recipe().prompting(retrieval()))
                .build().run(techniques);
    }
}
