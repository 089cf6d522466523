package org.finetune4j.task;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.finetune4j.config.GenerationConfig;
import org.finetune4j.data.DatasetStats;
import org.finetune4j.data.SftDataset;
import org.finetune4j.eval.EvalReport;
import org.finetune4j.export.MergedModelWriter;
import org.finetune4j.export.PeftAdapterWriter;
import org.finetune4j.generate.ChatModel;
import org.finetune4j.model.PretrainedModel;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.rag.SavedPrompting;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.finetune4j.tokenizer.HfTokenizer;
import org.finetune4j.train.ConsoleProgressBar;
import org.finetune4j.train.CsvMetricsLogger;
import org.finetune4j.train.StandardBackprop;
import org.finetune4j.train.Trainer;
import org.finetune4j.train.TrainerConfig;
import org.finetune4j.train.TrainingResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tech.tablesaw.api.Table;

/**
 * The whole guide in one run on the bundled tiny model: measure the base model on the JSON objective,
 * fine-tune it with LoRA (the guide's r = 16, alpha = 16, all projections), measure again, save the
 * adapter and the merged model, and print the before/after table.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "LoRA fine-tune the bundled tiny model to always answer in JSON, with a before/after table.")
public final class PaymentsQuickstart implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "data/models/tiny-base") Path modelDir;
    @Option(names = "--task-dir", defaultValue = "data/task") Path taskDir;
    @Option(names = "--out", defaultValue = "runs/quickstart") Path out;
    @Option(names = "--train-samples", defaultValue = "" + PaymentsRecipe.TRAIN_SAMPLES,
            description = "training conversations used (default ${DEFAULT-VALUE})") int trainSamples;
    @Option(names = "--epochs", defaultValue = "" + PaymentsRecipe.EPOCHS) int epochs;
    @Option(names = "--max-steps", defaultValue = "0", description = "cap on optimizer steps (0 = none)") int maxSteps;
    @Option(names = "--lr", defaultValue = "" + PaymentsRecipe.LEARNING_RATE) double lr;
    @Option(names = "--batch", defaultValue = "" + PaymentsRecipe.BATCH_ROWS, description = "packed rows per step")
    int batch;
    @Option(names = "--row-length", defaultValue = "" + PaymentsRecipe.ROW_LENGTH,
            description = "packed row length in tokens") int rowLength;
    @Option(names = "--rank", defaultValue = "" + PaymentsRecipe.RANK, description = "LoRA rank r") int rank;
    @Option(names = "--alpha", defaultValue = "" + PaymentsRecipe.ALPHA, description = "LoRA alpha") double alpha;
    @Option(names = "--eval-limit", defaultValue = "0", description = "test examples evaluated (0 = all)") int evalLimit;
    @Option(names = "--base-eval-limit", defaultValue = "100", description = "test examples for the base model") int baseEvalLimit;
    @Option(names = "--seed", defaultValue = "" + PaymentsRecipe.SEED) long seed;
    @Option(names = "--neftune-alpha", defaultValue = "0",
            description = "NEFTune noise on the input embeddings while training, e.g. 5 (default 0: off)")
    double neftuneAlpha;
    @Option(names = "--retrieval", defaultValue = "INTENT_VOTE",
            description = "show every prompt, in training and in use, the most similar training conversation: "
                    + "NONE, INTENT (its message and intent), WHOLE_ANSWER (its message and JSON answer) or "
                    + "INTENT_VOTE (only the intent the 7 most similar vote for); "
                    + "default ${DEFAULT-VALUE}")
    PaymentsRecipe.Retrieval retrieval;
    @Option(names = "--retrieved-examples", defaultValue = "" + PaymentsRecipe.RETRIEVED_EXAMPLES,
            description = "training conversations shown to each prompt with --retrieval (default ${DEFAULT-VALUE})")
    int retrievedExamples;
    @Option(names = "--prompt-tools", split = ",", defaultValue = DateHintTool.NAME + "," + AmountHintTool.NAME,
            description = "tools that state what each message names on a line of its prompt, in training and in use: "
                    + DateHintTool.NAME + " (its date), " + AmountHintTool.NAME + " (its amount and currency), "
                    + ProviderHintTool.NAME + " (its biller, wallet or operator; not in the default); "
                    + "--prompt-tools= for none (default ${DEFAULT-VALUE})")
    List<String> promptTools;
    @Option(names = "--decoding", defaultValue = "JSON_SCHEMA",
            description = "how the tuned model's answers are decoded: JSON_SCHEMA (constrained to the task's schema,"
                    + " recipient, provider and note copied from the message) or FREE (as the model writes them);"
                    + " default ${DEFAULT-VALUE}")
    PaymentsRecipe.Decoding decoding;
    @Option(names = "--free-eval-limit", defaultValue = "100",
            description = "test examples the tuned model also answers with free decoding: what fine-tuning alone"
                    + " achieves (0 = none; default ${DEFAULT-VALUE})")
    int freeEvalLimit;
    @Option(names = "--modules-to-save", split = ",",
            description = "modules trained in full next to LoRA, e.g. embed_tokens (default: none, LoRA alone)")
    List<String> modulesToSave = new java.util.ArrayList<>(PaymentsRecipe.MODULES_TO_SAVE);

    public static void main(String[] args) {
        System.exit(new CommandLine(new PaymentsQuickstart()).execute(args));
    }

    /** The recipe these options describe (with no options: {@link PaymentsRecipe#defaults()}). */
    PaymentsRecipe recipe() {
        return new PaymentsRecipe(trainSamples, epochs, maxSteps, rowLength, batch, rank, alpha,
                modulesToSave.stream().filter(m -> !m.isBlank()).toList(), lr, seed, retrieval, retrievedExamples,
                promptTools.stream().filter(t -> !t.isBlank()).toList(), decoding);
    }

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        PaymentsRecipe recipe = recipe();
        PaymentsRetrieval rag = recipe.openRetrieval(taskDir);
        if (rag != null) {
            System.out.printf(Locale.ROOT, "retrieval: %,d training conversations indexed in %.1f s%n",
                    rag.augmentation().retriever().examples().size(), (System.nanoTime() - t0) / 1e9);
        }
        try (NDManager root = Djl.engine().newBaseManager(); HfTokenizer tok = HfTokenizer.load(modelDir)) {
            LlamaForCausalLM base = PretrainedModel.load(modelDir, root, DevicePolicy.fromEnvironment());
            GenerationConfig gen = GenerationConfig.read(modelDir);
            Path test = taskDir.resolve("test.jsonl");
            Path examples = taskDir.resolve("examples.jsonl");

            ChatModel baseChat = new ChatModel(base, tok, gen).optBatchSize(32);
            EvalReport baseTest = PaymentsEvaluation.evaluate(baseChat, taskDir, test, baseEvalLimit, 32);
            System.out.printf(Locale.ROOT, "base model on %d test messages: valid JSON %.1f%%%n", baseTest.n(),
                    100 * baseTest.overall().validJsonRate());

            long tData = System.nanoTime();
            SftDataset data = recipe.trainingData(tok, taskDir, rag);
            DatasetStats st = data.trainStats();
            System.out.printf(Locale.ROOT, "data: %d samples, %,d tokens (%.0f per sample, %.0f%% trained on), %d rows "
                    + "of <= %d tokens (%.1f s%s)%n", st.samples(), st.tokens(), st.meanLength(),
                    100 * st.trainableFraction(), st.rows(), rowLength, (System.nanoTime() - tData) / 1e9,
                    SavedPrompting.describe(recipe.tools(), rag != null).map(p -> ", " + p + " included")
                            .orElse(""));
            PeftModel lora = PeftModel.create(base, recipe.loraConfig(), seed).setNeftuneNoiseAlpha(neftuneAlpha);
            System.out.println(lora.report());
            TrainerConfig tc = recipe.trainerConfig(lora.type());
            lora.setTraining(true);
            TrainingResult result;
            try (CsvMetricsLogger csv = new CsvMetricsLogger(out.resolve("training_metrics.csv"))) {
                result = Trainer.builder().setParameters(lora.trainableParameters())
                        .setGradientComputer(new StandardBackprop(lora)).setTrainData(data.train())
                        .optValidationData(data.validation().orElse(null)).setConfig(tc).addListener(csv)
                        .addListener(new ConsoleProgressBar(System.out, 100))
                        .optStopOnShutdown(true, Duration.ofSeconds(20)).build().fit();
            }
            lora.setTraining(false);
            System.out.println(result.status() + " after " + result.steps() + " steps, final loss "
                    + String.format(Locale.ROOT, "%.4f", result.finalLoss()));

            ChatModel tuned = new ChatModel(lora, tok, gen).optBatchSize(32).optPromptAugmentation(
                    recipe.prompting(rag));
            EvalReport tunedFree = null;
            if (freeEvalLimit > 0 && recipe.decoding() != PaymentsRecipe.Decoding.FREE) {
                tunedFree = PaymentsEvaluation.evaluate(tuned, taskDir, test, freeEvalLimit, 32);
            }
            tuned.optDecodingConstraint(recipe.decodingConstraint(taskDir));
            EvalReport tunedTest = PaymentsEvaluation.evaluate(tuned, taskDir, test, evalLimit, 32);
            EvalReport tunedExamples = PaymentsEvaluation.evaluate(tuned, taskDir, examples, 0, 32);

            PeftAdapterWriter.save(lora, out.resolve("adapter"), modelDir.toString());
            MergedModelWriter.save(lora, out.resolve("merged"), modelDir, gen);
            // so that eval, chat and generate prompt the model as it was trained
            recipe.savePrompting(out.resolve("adapter"), rag);
            recipe.savePrompting(out.resolve("merged"), rag);
            recipe.saveDecoding(out.resolve("adapter"), taskDir); // and answer as evaluated
            recipe.saveDecoding(out.resolve("merged"), taskDir);
            tunedTest.writeJson(out.resolve("eval_test.json"));
            tunedExamples.writeJson(out.resolve("eval_examples.json"));

            Map<String, EvalReport> byName = new LinkedHashMap<>();
            String how = recipe.decoding() == PaymentsRecipe.Decoding.FREE ? "" : ", constrained";
            byName.put("base (test, n=" + baseTest.n() + ")", baseTest);
            if (tunedFree != null) {
                byName.put("LoRA (test, n=" + tunedFree.n() + ", free)", tunedFree);
            }
            byName.put("LoRA (test, n=" + tunedTest.n() + how + ")", tunedTest);
            byName.put("LoRA (examples, n=" + tunedExamples.n() + how + ")", tunedExamples);
            Table table = EvalReport.compare(byName);
            System.out.println(table.printAll());
            System.out.println(tunedTest.perFieldTable().printAll());
            System.out.printf(Locale.ROOT, "quickstart wall time %.1f s; adapter and merged model in %s%n",
                    (System.nanoTime() - t0) / 1e9, out.toAbsolutePath());
        } finally {
            if (rag != null) {
                rag.close();
            }
        }
        return 0;
    }
}
