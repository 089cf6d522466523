package org.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.config.GenerationConfig;
import org.finetune4j.generate.ChatModel;
import org.finetune4j.generate.SamplingConfig;
import org.finetune4j.generate.constraint.CopiedText;
import org.finetune4j.generate.constraint.JsonSchemaConstraint;
import org.finetune4j.generate.constraint.SavedDecoding;
import org.finetune4j.model.PretrainedModel;
import org.finetune4j.rag.RetrievalAugmentation;
import org.finetune4j.recipe.Adapters;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.finetune4j.tokenizer.HfTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {
    @TempDir
    Path tmp;

    @Test
    void evaluatesTheAdaptedModelOnTheFirstNExamples() throws IOException {
        Path root = CliFixtures.root();
        Path adapter = CliFixtures.trainedRun().resolve("adapter");
        Path json = tmp.resolve("report.json");
        CliFixtures.Run run = CliFixtures.run("eval", "--model", CliFixtures.modelDir().toString(), "--adapter",
                adapter.toString(), "--data", root.resolve("test.jsonl").toString(), "--schema",
                root.resolve("schema.json").toString(), "--limit", "2", "--max-new-tokens", "5", "--group-by", "lang",
                "--json", json.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("evaluated 2 examples"), run.out());
        assertTrue(run.out().contains("valid_json_rate"), "prints the summary table: " + run.out());

        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertEquals(2, report.get("n").asInt());
        // the completions are the adapted model's greedy replies to the prompts (all but the gold answer)
        try (NDManager m = Djl.engine().newBaseManager(); HfTokenizer tok = HfTokenizer.load(CliFixtures.modelDir())) {
            ChatModel chat = new ChatModel(Adapters.load(PretrainedModel.load(CliFixtures.modelDir(), m,
                    DevicePolicy.cpu()), adapter), tok, GenerationConfig.read(CliFixtures.modelDir()));
            SamplingConfig s = chat.defaultSampling().toBuilder().optMaxNewTokens(5).build();
            for (int i = 0; i < 2; i++) {
                String user = "tf " + (i + 1) + "0rb ke " + CliFixtures.NAMES[i];
                String expected = chat.chat(List.of(ChatMessage.system(CliFixtures.SYSTEM), ChatMessage.user(user)), s);
                JsonNode example = report.get("examples").get(i);
                assertEquals("ex" + i, example.get("id").asText());
                assertEquals(expected, example.get("completion").asText());
            }
        }
    }

    @Test
    void anAdapterSavedWithRetrievalIsEvaluatedWithItsRetrievedExamples() throws IOException {
        Path root = CliFixtures.root();
        Path adapter = CliFixtures.adapterWithRetrieval(tmp);
        Path json = tmp.resolve("report.json");
        CliFixtures.Run run = CliFixtures.run("eval", "--model", CliFixtures.modelDir().toString(), "--adapter",
                adapter.toString(), "--data", root.resolve("test.jsonl").toString(), "--schema",
                root.resolve("schema.json").toString(), "--limit", "3", "--max-new-tokens", "6", "--json",
                json.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("prompts as the model was trained: retrieval" + System.lineSeparator()),
                run.out());
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        RetrievalAugmentation rag = CliFixtures.RETRIEVAL.open(root);
        try (NDManager m = Djl.engine().newBaseManager(); HfTokenizer tok = HfTokenizer.load(CliFixtures.modelDir())) {
            ChatModel chat = new ChatModel(Adapters.load(PretrainedModel.load(CliFixtures.modelDir(), m,
                    DevicePolicy.cpu()), adapter), tok, GenerationConfig.read(CliFixtures.modelDir()));
            SamplingConfig s = chat.defaultSampling().toBuilder().optMaxNewTokens(6).build();
            int differs = 0;
            for (int i = 0; i < 3; i++) {
                List<ChatMessage> prompt = List.of(ChatMessage.system(CliFixtures.SYSTEM),
                        ChatMessage.user("tf " + (i + 1) + "0rb ke " + CliFixtures.NAMES[i]));
                List<ChatMessage> augmented = rag.forPrompt(prompt);
                assertTrue(augmented.get(0).content().startsWith(CliFixtures.SYSTEM + "\nMirip / similar: tf "),
                        augmented.toString());
                String expected = chat.chat(augmented, s);
                assertEquals(expected, report.get("examples").get(i).get("completion").asText());
                differs += expected.equals(chat.chat(prompt, s)) ? 0 : 1;
            }
            assertTrue(differs > 0, "the fixture must answer some augmented prompt differently from the plain one");
        } finally {
            rag.retriever().close();
        }
    }

    @Test
    void decodingIsTheSavedConstraintUnlessFreeOrSchemaIsAsked() throws IOException {
        Path root = CliFixtures.root();
        Path adapter = tmp.resolve("adapter");
        Files.createDirectories(adapter);
        try (var files = Files.list(CliFixtures.trainedRun().resolve("adapter"))) {
            for (Path f : files.toList()) {
                Files.copy(f, adapter.resolve(f.getFileName().toString()));
            }
        }
        List<String> common = List.of("eval", "--model", CliFixtures.modelDir().toString(), "--adapter",
                adapter.toString(), "--data", root.resolve("test.jsonl").toString(), "--schema",
                root.resolve("schema.json").toString(), "--limit", "2", "--max-new-tokens", "48");
        JsonNode free = evalReport(common, "free.json");
        JsonNode schema = evalReport(common, "schema.json", "--decoding", "schema", "--copied-fields", "to");
        SavedDecoding.save(adapter, JsonSchemaConstraint.builder()
                .setSchema(new ObjectMapper().readTree(root.resolve("schema.json").toFile()))
                .optCopiedFields(java.util.Set.of("to")).build());
        JsonNode saved = evalReport(common, "saved.json");
        JsonNode savedButFree = evalReport(common, "saved-free.json", "--decoding", "free");
        for (int i = 0; i < 2; i++) {
            String user = "tf " + (i + 1) + "0rb ke " + CliFixtures.NAMES[i];
            JsonNode constrained = schema.get("examples").get(i);
            assertTrue(constrained.get("schema_valid").asBoolean(), constrained.toString());
            String to = new ObjectMapper().readTree(constrained.get("completion").asText()).get("to").asText();
            assertTrue(CopiedText.isCopied(to, user), to);
            assertEquals(constrained.get("completion"), saved.get("examples").get(i).get("completion"));
            assertEquals(free.get("examples").get(i).get("completion"),
                    savedButFree.get("examples").get(i).get("completion"));
        }
        assertEquals(0.0, free.get("summary").get("schema_valid_rate").asDouble(), "three steps: no JSON alone");

        List<String> args = new java.util.ArrayList<>(common);
        args.addAll(List.of("--copied-fields", "to"));
        CliFixtures.Run run = CliFixtures.run(args.toArray(String[]::new));
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--copied-fields needs --decoding schema"), run.err());
        args.addAll(List.of("--decoding", "schema", "--copied-fields", "from"));
        run = CliFixtures.run(args.toArray(String[]::new));
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("[from] are not properties"), run.err());
    }

    private JsonNode evalReport(List<String> common, String name, String... more) throws IOException {
        List<String> args = new java.util.ArrayList<>(common);
        args.addAll(List.of(more));
        args.addAll(List.of("--json", tmp.resolve(name).toString()));
        CliFixtures.Run run = CliFixtures.run(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        boolean constrained = name.equals("schema.json") || name.equals("saved.json");
        assertEquals(constrained, run.out().contains("decoding constrained: JSON schema, [to] copied from the message"), run.out());
        return new ObjectMapper().readTree(tmp.resolve(name).toFile());
    }

    @Test
    void missingInputFileIsAUsageErrorAndABadOneARunFailure() throws IOException {
        Path root = CliFixtures.root();
        Path missing = tmp.resolve("missing.jsonl");
        CliFixtures.Run run = CliFixtures.run("eval", "--model", CliFixtures.modelDir().toString(), "--data",
                missing.toString(), "--schema", root.resolve("schema.json").toString());
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--data: file not found: " + missing), run.err());

        Path bad = Files.writeString(tmp.resolve("bad.jsonl"), "{\"messages\": [}\n");
        run = CliFixtures.run("eval", "--model", CliFixtures.modelDir().toString(), "--data", bad.toString(),
                "--schema", root.resolve("schema.json").toString());
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("eval: ") && run.err().contains(bad.toString()), run.err());

        run = CliFixtures.run("eval", "--model", CliFixtures.modelDir().toString(), "--data",
                root.resolve("test.jsonl").toString());
        assertEquals(2, run.exitCode(), "--schema is required: " + run);
    }
}
