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
