package org.finetune4j.tokenizer.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BpeTrainerCommandLineTest {

    private static Path writeCorpus(Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        List<String> sentences = SyntheticBilingualCorpus.sentences(400, 21);
        for (int i = 0; i + 1 < sentences.size(); i += 2) {
            lines.add(json.writeValueAsString(Map.of("messages", List.of(
                    Map.of("role", "user", "content", sentences.get(i)),
                    Map.of("role", "assistant", "content", sentences.get(i + 1))))));
        }
        Path jsonl = dir.resolve("chat.jsonl");
        Files.write(jsonl, lines, StandardCharsets.UTF_8);
        return jsonl;
    }

    @Test
    void trainsFromJsonlAndTextAndWritesALoadableTokenizer(@TempDir Path dir) throws Exception {
        Path jsonl = writeCorpus(dir);
        Path txt = dir.resolve("plain.txt");
        Files.write(txt, SyntheticBilingualCorpus.syllableSentences(300, 22), StandardCharsets.UTF_8);
        Path out = dir.resolve("tok");
        int rc = new CommandLine(new TrainTokenizerCommand()).execute(
                "--corpus", jsonl + "," + txt, "--vocab-size", "700", "--out", out.toString());
        assertEquals(0, rc);
        Djl.configure();
        try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.newInstance(out,
                Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"))) {
            String chat = "<|im_start|>user\nSaya membeli kopi.<|im_end|>\n<|im_start|>assistant\n";
            long[] ids = djl.encode(chat, false, false).getIds();
            assertEquals(1, ids[0]);
            assertEquals(chat, djl.decode(ids, false));
            // The ChatML rendering taught it "user" + newline patterns: "user" is one token.
            String[] tokens = djl.encode("<|im_start|>user\n", false, false).getTokens();
            assertArrayEquals(new String[] {"<|im_start|>", "user", "\u010A"}, tokens);
        }
    }

    @Test
    void chatMlRenderingMatchesTheTemplate() {
        var messages = List.of(org.finetune4j.chat.ChatMessage.system("S"), org.finetune4j.chat.ChatMessage.user("U"));
        assertEquals("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n", TrainingCorpus.renderChatMl(messages));
    }

    @Test
    void badJsonlLineIsReportedWithFileAndLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, "{\"messages\": [{\"role\": \"user\", \"content\": \"ok\"}]}\n\n{\"text\": \"no messages\"}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingCorpus.read(List.of(f)));
        assertTrue(e.getMessage().contains("bad.jsonl:3"), e.getMessage());
        Files.writeString(f, "{\"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}\n");
        e = assertThrows(IllegalArgumentException.class, () -> TrainingCorpus.read(List.of(f)));
        assertTrue(e.getMessage().contains("bad.jsonl:1") && e.getMessage().contains("robot"), e.getMessage());
        Path other = dir.resolve("data.csv");
        Files.writeString(other, "a,b\n");
        e = assertThrows(IllegalArgumentException.class, () -> TrainingCorpus.read(List.of(other)));
        assertTrue(e.getMessage().contains("data.csv"), e.getMessage());
    }
}
