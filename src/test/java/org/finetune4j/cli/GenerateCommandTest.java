package org.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.config.GenerationConfig;
import org.finetune4j.generate.ChatModel;
import org.finetune4j.model.PretrainedModel;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.finetune4j.tokenizer.HfTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCommandTest {
    static final String PROMPT = "tf 10rb ke budi";

    @TempDir
    Path tmp;

    static String reference(int maxNewTokens) throws IOException {
        try (NDManager m = Djl.engine().newBaseManager(); HfTokenizer tok = HfTokenizer.load(CliFixtures.modelDir())) {
            ChatModel chat = new ChatModel(PretrainedModel.load(CliFixtures.modelDir(), m, DevicePolicy.cpu()), tok,
                    GenerationConfig.read(CliFixtures.modelDir()));
            return chat.chat(List.of(ChatMessage.system(CliFixtures.SYSTEM), ChatMessage.user(PROMPT)),
                    chat.defaultSampling().toBuilder().optMaxNewTokens(maxNewTokens).build());
        }
    }

    CliFixtures.Run generate(String... extra) {
        String[] base = {"generate", "--model", CliFixtures.modelDir().toString(), "--system", CliFixtures.SYSTEM,
            "--prompt", PROMPT};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliFixtures.run(args);
    }

    @Test
    void printsTheGreedyReplyStreamedOrNot() throws IOException {
        String expected = reference(8);
        CliFixtures.Run plain = generate("--max-new-tokens", "8");
        assertEquals(0, plain.exitCode(), plain.toString());
        assertEquals(expected + System.lineSeparator(), plain.out());
        CliFixtures.Run streamed = generate("--max-new-tokens", "8", "--stream");
        assertEquals(0, streamed.exitCode(), streamed.toString());
        assertEquals(plain.out(), streamed.out());
    }

    @Test
    void samplingIsReproducibleBySeed() {
        CliFixtures.Run a = generate("--max-new-tokens", "12", "--temperature", "1.5", "--top-k", "50", "--seed", "7");
        CliFixtures.Run b = generate("--max-new-tokens", "12", "--temperature", "1.5", "--top-k", "50", "--seed", "7");
        assertEquals(0, a.exitCode(), a.toString());
        assertEquals(a.out(), b.out());
        CliFixtures.Run greedy = generate("--max-new-tokens", "12");
        assertNotEquals(greedy.out(), a.out(), "temperature 1.5 over a random model departs from greedy");
    }

    @Test
    void usageErrorsExitWithTwo() {
        Path missing = tmp.resolve("no-adapter");
        CliFixtures.Run run = generate("--adapter", missing.toString());
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--adapter: directory not found: " + missing), run.err());

        run = CliFixtures.run("generate", "--model", CliFixtures.modelDir().toString());
        assertEquals(2, run.exitCode(), "--prompt is required: " + run);
        assertTrue(run.err().contains("--prompt"), run.err());

        run = generate("--max-new-tokens", "many");
        assertEquals(2, run.exitCode(), run.toString());
    }

    @Test
    void missingModelDirectoryIsARunFailureNamingIt() {
        Path missing = tmp.resolve("no-model");
        CliFixtures.Run run = CliFixtures.run("generate", "--model", missing.toString(), "--prompt", "hi");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("generate: ") && run.err().contains(missing.toString()), run.err());
    }
}
