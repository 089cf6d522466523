package org.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
import picocli.CommandLine;

class ChatCommandTest {
    @Test
    void keepsTheHistoryUntilResetAndStopsAtExit() throws IOException {
        String u1 = "tf 10rb ke budi";
        String u2 = "bayar listrik";
        ChatCommand command = new ChatCommand();
        command.input = new ByteArrayInputStream((u1 + "\n" + u2 + "\n\n/reset\n" + u2 + "\n/exit\nnever read\n")
                .getBytes(StandardCharsets.UTF_8));
        CommandLine cli = Main.configure(new CommandLine(command));
        CliFixtures.Run run = CliFixtures.run(cli, "--model", CliFixtures.modelDir().toString(), "--system",
                CliFixtures.SYSTEM, "--max-new-tokens", "6");
        assertEquals(0, run.exitCode(), run.toString());

        String r1;
        String r2;
        String r3;
        try (NDManager m = Djl.engine().newBaseManager(); HfTokenizer tok = HfTokenizer.load(CliFixtures.modelDir())) {
            ChatModel chat = new ChatModel(PretrainedModel.load(CliFixtures.modelDir(), m, DevicePolicy.cpu()), tok,
                    GenerationConfig.read(CliFixtures.modelDir()));
            SamplingConfig s = chat.defaultSampling().toBuilder().optMaxNewTokens(6).build();
            List<ChatMessage> history = new ArrayList<>(List.of(ChatMessage.system(CliFixtures.SYSTEM),
                    ChatMessage.user(u1)));
            r1 = chat.chat(history, s);
            history.add(ChatMessage.assistant(r1));
            history.add(ChatMessage.user(u2));
            r2 = chat.chat(history, s);
            r3 = chat.chat(List.of(ChatMessage.system(CliFixtures.SYSTEM), ChatMessage.user(u2)), s);
        }
        String nl = System.lineSeparator();
        String header = run.out().substring(0, run.out().indexOf(nl) + nl.length());
        String expected = header + "> " + r1 + nl + "> " + r2 + nl + "> " + "> (history cleared)" + nl
                + "> " + r3 + nl + "> " + nl;
        assertEquals(expected, run.out());
    }

    @Test
    void anAdapterSavedWithRetrievalChatsWithItsExamplesAndKeepsThePlainHistory(@TempDir Path tmp) throws IOException {
        Path adapter = CliFixtures.adapterWithRetrieval(tmp);
        String u1 = "tf 10rb ke budi";
        String u2 = "tf 20rb ke sari";
        ChatCommand command = new ChatCommand();
        command.input = new ByteArrayInputStream((u1 + "\n" + u2 + "\n/exit\n").getBytes(StandardCharsets.UTF_8));
        CommandLine cli = Main.configure(new CommandLine(command));
        CliFixtures.Run run = CliFixtures.run(cli, "--model", CliFixtures.modelDir().toString(), "--adapter",
                adapter.toString(), "--system", CliFixtures.SYSTEM, "--max-new-tokens", "6");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("prompts as the model was trained: retrieval (from " + adapter + ")"),
                run.out());

        RetrievalAugmentation rag = CliFixtures.RETRIEVAL.open(CliFixtures.root());
        String r1;
        String r2;
        try (NDManager m = Djl.engine().newBaseManager(); HfTokenizer tok = HfTokenizer.load(CliFixtures.modelDir())) {
            ChatModel chat = new ChatModel(Adapters.load(PretrainedModel.load(CliFixtures.modelDir(), m,
                    DevicePolicy.cpu()), adapter), tok, GenerationConfig.read(CliFixtures.modelDir()));
            SamplingConfig s = chat.defaultSampling().toBuilder().optMaxNewTokens(6).build();
            // each turn is prompted with the examples for its own message; the history keeps the plain turns
            List<ChatMessage> history = new ArrayList<>(List.of(ChatMessage.system(CliFixtures.SYSTEM),
                    ChatMessage.user(u1)));
            r1 = chat.chat(rag.forPrompt(history), s);
            history.add(ChatMessage.assistant(r1));
            history.add(ChatMessage.user(u2));
            List<ChatMessage> second = rag.forPrompt(history);
            assertEquals(1, second.get(0).content().split("Mirip / similar:", -1).length - 1, second.toString());
            r2 = chat.chat(second, s);
        } finally {
            rag.retriever().close();
        }
        String nl = System.lineSeparator();
        assertTrue(run.out().contains("> " + r1 + nl + "> " + r2 + nl), run.out() + "\nexpected " + r1 + " / " + r2);
    }

    @Test
    void anAdapterSavedWithADecodingConstraintAnswersUnderIt(@TempDir Path tmp) throws IOException {
        Path adapter = CliFixtures.adapterWithRetrieval(tmp);
        SavedDecoding.save(adapter, JsonSchemaConstraint.builder()
                .setSchema(new ObjectMapper().readTree(CliFixtures.root().resolve("schema.json").toFile()))
                .optCopiedFields(Set.of("to")).build());
        String u1 = "tf 10rb ke budi";
        ChatCommand command = new ChatCommand();
        command.input = new ByteArrayInputStream((u1 + "\n/exit\n").getBytes(StandardCharsets.UTF_8));
        CommandLine cli = Main.configure(new CommandLine(command));
        CliFixtures.Run run = CliFixtures.run(cli, "--model", CliFixtures.modelDir().toString(), "--adapter",
                adapter.toString(), "--system", CliFixtures.SYSTEM, "--max-new-tokens", "48");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("answers constrained as evaluated: JSON schema, [to] copied from the message"),
                run.out());
        String reply = run.out().lines().filter(l -> l.startsWith("> {")).findFirst().orElseThrow().substring(2);
        String to = new ObjectMapper().readTree(reply).get("to").asText();
        assertTrue(CopiedText.isCopied(to, u1), reply);

        ChatCommand free = new ChatCommand();
        free.input = new ByteArrayInputStream((u1 + "\n/exit\n").getBytes(StandardCharsets.UTF_8));
        CliFixtures.Run freeRun = CliFixtures.run(Main.configure(new CommandLine(free)), "--model",
                CliFixtures.modelDir().toString(), "--adapter", adapter.toString(), "--system", CliFixtures.SYSTEM,
                "--max-new-tokens", "48", "--decoding", "free");
        assertEquals(0, freeRun.exitCode(), freeRun.toString());
        assertTrue(!freeRun.out().contains("answers constrained") && !freeRun.out().contains("> {\"to\":"),
                "--decoding free: the model alone\n" + freeRun.out());

        CliFixtures.Run schema = CliFixtures.run("generate", "--model", CliFixtures.modelDir().toString(),
                "--prompt", u1, "--decoding", "schema");
        assertEquals(2, schema.exitCode(), schema.toString());
        assertTrue(schema.err().contains("--decoding schema is eval's"), schema.err());
    }
}

