package org.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.export.AtomicDirectory;
import org.finetune4j.generate.ChatModel;
import org.finetune4j.generate.SamplingConfig;
import org.finetune4j.generate.constraint.CopiedText;
import org.finetune4j.generate.constraint.SavedDecoding;
import org.finetune4j.io.HalfFloats;
import org.finetune4j.io.safetensors.SafetensorsFile;
import org.finetune4j.rag.PromptTools;
import org.finetune4j.rag.RetrievalConfig;
import org.finetune4j.recipe.Adapters;
import org.finetune4j.train.CheckpointStore;
import org.finetune4j.train.CsvMetricsLogger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train} end to end on the tiny fixture model, then a simulated crash and {@code --resume}. */
class TrainCommandTest {
    @TempDir
    Path tmp;

    @Test
    void trainSavesAdapterMetricsMergedModelAndEvalAndResumeContinuesExactly() throws IOException {
        Path out = tmp.resolve("run");
        Path recipe = CliFixtures.loraRecipe(tmp, out);
        CliFixtures.Run first = CliFixtures.run("train", recipe.toString());
        assertEquals(0, first.exitCode(), first.toString());

        Path adapter = out.resolve("adapter");
        assertEquals("LORA", Adapters.peftType(adapter));
        assertEquals(List.of(1L, 2L, 3L), steps(out.resolve("training_metrics.csv")));
        assertEquals(List.of(1L, 2L, 3L), CheckpointStore.list(out.resolve("checkpoints")).stream()
                .map(CheckpointStore::stepOf).toList());
        assertTrue(Files.isRegularFile(out.resolve("merged/config.json")), first.toString());
        JsonNode eval = new ObjectMapper().readTree(out.resolve("eval.json").toFile());
        assertEquals(2, eval.get("n").asInt(), "eval.limit = 2");
        assertTrue(eval.get("per_group").has("lang"));

        Map<String, float[]> trained = tensors(adapter);
        // q_proj, v_proj, down_proj in 2 layers, an A and a B each
        assertEquals(12, trained.size(), trained.keySet().toString());
        trained.forEach((name, v) -> {
            if (name.contains("lora_B")) {
                assertTrue(maxAbs(v) > 0, name + " starts at zero and must have been trained");
            }
        });

        // A crash after step 2: the last checkpoint and the adapter are gone, the CSV already has step 3.
        AtomicDirectory.deleteRecursively(out.resolve("checkpoints/checkpoint-3"));
        AtomicDirectory.deleteRecursively(adapter);

        CliFixtures.Run fresh = CliFixtures.run("train", recipe.toString());
        assertEquals(1, fresh.exitCode(), fresh.toString());
        assertTrue(fresh.err().startsWith("train: ") && fresh.err().contains("--resume")
                && fresh.err().contains(out.resolve("checkpoints").toString()), fresh.err());
        assertEquals(1, fresh.err().strip().lines().count(), "one line, no stack trace: " + fresh.err());

        CliFixtures.Run resumed = CliFixtures.run("train", recipe.toString(), "--resume");
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertTrue(resumed.out().contains("resuming from " + out.resolve("checkpoints/checkpoint-2")),
                resumed.out());
        assertEquals(List.of(1L, 2L, 3L), steps(out.resolve("training_metrics.csv")), "each step once");
        Map<String, float[]> again = tensors(adapter);
        assertEquals(trained.keySet(), again.keySet());
        for (String name : trained.keySet()) {
            float[] a = trained.get(name);
            float[] b = again.get(name);
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-6, name + "[" + i + "]: step 3 redone from checkpoint 2");
            }
        }
    }

    @Test
    void aRecipeWithRetrievalTrainsEvaluatesAndSavesWithItsExamples() throws IOException {
        Path out = tmp.resolve("rag");
        Path root = CliFixtures.root();
        Path recipe = CliFixtures.loraRecipe(tmp, out);
        Files.writeString(recipe, Files.readString(recipe) + """
                retrieval:
                  examples: %s
                  group_key: meta.id
                  header: "Mirip / similar:"
                  answer_field: to
                  examples_per_prompt: 1
                """.formatted(root.resolve("train.jsonl")));
        CliFixtures.Run run = CliFixtures.run("train", recipe.toString(), "trainer.checkpoint_every=0");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("retrieval: 8 examples of"), run.out());
        RetrievalConfig expected = new RetrievalConfig(RetrievalConfig.EXAMPLES_FILE_NAME, "meta.id",
                "Mirip / similar:", "to", 1);
        for (Path dir : List.of(out.resolve("adapter"), out.resolve("merged"))) {
            assertEquals(expected, RetrievalConfig.find(dir).orElseThrow(), dir.toString());
            assertEquals(Files.readString(root.resolve("train.jsonl")),
                    Files.readString(dir.resolve(RetrievalConfig.EXAMPLES_FILE_NAME)), dir.toString());
        }
        // the evaluation prompted the tuned model with the examples: the merged model, loaded with them, agrees
        assertLoadedMergedModelAnswersAsTheEvaluation(out,
                system -> assertTrue(system.contains("Mirip / similar:"), system));
        // merging the adapter again carries the retrieval along
        assertEquals(expected, RetrievalConfig.find(mergeAgain(out)).orElseThrow());
    }

    @Test
    void aRecipeWithPromptToolsTrainsEvaluatesAndSavesThemAndAnUnknownToolIsRefused() throws IOException {
        Path out = tmp.resolve("tools");
        Path recipe = CliFixtures.loraRecipe(tmp, out);
        // test_tag_first (a test tool) appends " +a" to the first message of every prompt
        Files.writeString(recipe, Files.readString(recipe) + "prompt_tools: [test_tag_first]\n");
        CliFixtures.Run run = CliFixtures.run("train", recipe.toString(), "trainer.checkpoint_every=0");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("prompt tools: [test_tag_first]"), run.out());
        for (Path dir : List.of(out.resolve("adapter"), out.resolve("merged"))) {
            assertEquals(List.of("test_tag_first"), PromptTools.load(dir).orElseThrow().names(), dir.toString());
        }
        assertLoadedMergedModelAnswersAsTheEvaluation(out,
                system -> assertEquals(CliFixtures.SYSTEM + " +a", system));
        assertEquals(List.of("test_tag_first"), PromptTools.load(mergeAgain(out)).orElseThrow().names());

        Files.writeString(recipe, Files.readString(recipe).replace("[test_tag_first]", "[date_hints]"));
        CliFixtures.Run bad = CliFixtures.run("train", recipe.toString());
        assertEquals(1, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("prompt_tools: unknown prompt tool 'date_hints'; known: ["), bad.err());
    }

    @Test
    void aRecipeWithDecodingEvaluatesUnderItsConstraintAndSavesItBesideTheModel() throws IOException {
        Path out = tmp.resolve("decoding");
        Path recipe = CliFixtures.loraRecipe(tmp, out);
        String decoding = """
                decoding:
                  json_schema: %s
                  copied_fields: [to]
                """.formatted(CliFixtures.root().resolve("schema.json"));
        Files.writeString(recipe, Files.readString(recipe) + decoding);
        CliFixtures.Run run = CliFixtures.run("train", recipe.toString(), "trainer.checkpoint_every=0",
                "eval.max_new_tokens=48");
        assertEquals(0, run.exitCode(), run.toString());
        // three steps from random weights: only the constraint makes the answers JSON, "to" copied from the message
        JsonNode report = new ObjectMapper().readTree(out.resolve("eval.json").toFile());
        for (int i = 0; i < 2; i++) {
            JsonNode example = report.get("examples").get(i);
            assertTrue(example.get("schema_valid").asBoolean(), example.toString());
            String to = new ObjectMapper().readTree(example.get("completion").asText()).get("to").asText();
            assertTrue(CopiedText.isCopied(to, "tf " + (i + 1) + "0rb ke " + CliFixtures.NAMES[i]), to);
        }
        for (Path dir : List.of(out.resolve("adapter"), out.resolve("merged"))) {
            assertEquals(java.util.Set.of("to"), SavedDecoding.load(dir).orElseThrow().copiedFields(), dir.toString());
        }
        assertLoadedMergedModelAnswersAsTheEvaluation(out, 48, system -> assertEquals(CliFixtures.SYSTEM, system));
        assertTrue(SavedDecoding.load(mergeAgain(out)).isPresent(), "merge carries decoding.json");

        Files.writeString(recipe, Files.readString(recipe).replace("copied_fields: [to]", "copied_fields: [from]"));
        CliFixtures.Run bad = CliFixtures.run("train", recipe.toString());
        assertEquals(1, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("decoding: ") && bad.err().contains("[from] are not properties"), bad.err());
    }

    private static void assertLoadedMergedModelAnswersAsTheEvaluation(Path out, Consumer<String> shownSystem)
            throws IOException {
        assertLoadedMergedModelAnswersAsTheEvaluation(out, 4, shownSystem);
    }

    /**
     * The merged model of run {@code out}, loaded with what was saved beside it, shows {@code shownSystem} a system
     * prompt it accepts and answers the first two test prompts as the run's evaluation did (with answers of up to
     * {@code maxNewTokens}, the eval section's).
     */
    private static void assertLoadedMergedModelAnswersAsTheEvaluation(Path out, int maxNewTokens,
            Consumer<String> shownSystem) throws IOException {
        JsonNode report = new ObjectMapper().readTree(out.resolve("eval.json").toFile());
        try (ChatModel merged = ChatModel.load(out.resolve("merged"))) {
            SamplingConfig s = merged.defaultSampling().toBuilder().optMaxNewTokens(maxNewTokens).build();
            for (int i = 0; i < 2; i++) {
                List<ChatMessage> prompt = List.of(ChatMessage.system(CliFixtures.SYSTEM),
                        ChatMessage.user("tf " + (i + 1) + "0rb ke " + CliFixtures.NAMES[i]));
                shownSystem.accept(merged.augment(prompt).get(0).content());
                assertEquals(report.get("examples").get(i).get("completion").asText(), merged.chat(prompt, s));
            }
        }
    }

    /** Merges run {@code out}'s adapter again with the {@code merge} command; the new directory. */
    private Path mergeAgain(Path out) {
        Path again = tmp.resolve("merged-again");
        CliFixtures.Run merge = CliFixtures.run("merge", "--model", CliFixtures.modelDir().toString(), "--adapter",
                out.resolve("adapter").toString(), "--out", again.toString());
        assertEquals(0, merge.exitCode(), merge.toString());
        return again;
    }

    @Test
    void dryRunPrintsTheResolvedRecipeAndTheTechniqueReportWithoutTraining() throws IOException {
        Path out = tmp.resolve("dry");
        Path recipe = CliFixtures.loraRecipe(tmp, out);
        CliFixtures.Run run = CliFixtures.run("train", recipe.toString(), "technique.r=2", "--dry-run");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("  r: 2\n"), run.out());
        assertTrue(run.out().contains("LoraConfig[r=2, alpha=8.0"), run.out());
        // r (in + out) per wrapped layer: q 32->32, v 32->16, down 48->32; two layers
        long trainable = 2L * 2 * ((32 + 32) + (32 + 16) + (48 + 32));
        assertTrue(run.out().contains("LORA: trainable " + trainable + " of"), run.out());
        assertFalse(Files.exists(out), "a dry run writes nothing");
    }

    @Test
    void usageAndRecipeErrorsHaveTheirExitCodes() throws IOException {
        Path recipe = CliFixtures.loraRecipe(tmp, tmp.resolve("x"));
        CliFixtures.Run missing = CliFixtures.run("train", tmp.resolve("nope.yaml").toString());
        assertEquals(2, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains(tmp.resolve("nope.yaml").toString()), missing.err());

        CliFixtures.Run badOverride = CliFixtures.run("train", recipe.toString(), "trainer.max_steps");
        assertEquals(2, badOverride.exitCode(), badOverride.toString());
        assertTrue(badOverride.err().contains("key.path=value"), badOverride.err());

        CliFixtures.Run unknown = CliFixtures.run("train", recipe.toString(), "trainer.max_stepz=3", "--dry-run");
        assertEquals(1, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().startsWith("train: " + recipe + ": unknown key 'trainer.max_stepz'"),
                unknown.err());

        CliFixtures.Run verbose = CliFixtures.run("train", recipe.toString(), "trainer.max_stepz=3", "--verbose");
        assertEquals(1, verbose.exitCode());
        assertTrue(verbose.err().contains("\tat "), "--verbose prints the stack trace: " + verbose.err());
    }

    static List<Long> steps(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        assertEquals(CsvMetricsLogger.HEADER, lines.get(0));
        List<Long> out = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            if (!l.isBlank()) {
                out.add(Long.parseLong(l.substring(0, l.indexOf(','))));
            }
        }
        return out;
    }

    static Map<String, float[]> tensors(Path adapterDir) throws IOException {
        Map<String, float[]> out = new TreeMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(adapterDir.resolve("adapter_model.safetensors"))) {
            for (String n : f.names()) {
                out.put(n, HalfFloats.toFloats(f.get(n)));
            }
        }
        return out;
    }

    static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
