package org.finetune4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.finetune4j.chat.ChatMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalExamplesTest {

    private static final String GOOD = "{\"messages\":[{\"role\":\"system\",\"content\":\"Extract JSON.\"},"
            + "{\"role\":\"user\",\"content\":\"send 25 to Budi\"},"
            + "{\"role\":\"assistant\",\"content\":\"{\\\"intent\\\":\\\"transfer\\\",\\\"amount\\\":25}\"}],"
            + "\"meta\":{\"id\":\"p-1\",\"intent\":\"transfer\",\"language\":\"en\"}}";

    @TempDir
    Path dir;

    private Path write(String... lines) throws IOException {
        return Files.writeString(dir.resolve("eval.jsonl"), String.join("\n", lines) + "\n");
    }

    @Test
    void readsPromptGoldIdAndGroups() throws IOException {
        String multiTurn = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"},"
                + "{\"role\":\"user\",\"content\":\"balance?\"},{\"role\":\"assistant\",\"content\":\" {\\\"intent\\\":\\\"balance\\\"} \"}],"
                + "\"meta\":{\"intent\":\"balance\",\"language\":\"id\"}}";
        Path file = write(GOOD, "", multiTurn);
        List<EvalExample> examples = EvalExamples.fromJsonl(file, "intent", "language");
        assertEquals(2, examples.size());
        EvalExample first = examples.get(0);
        assertEquals("p-1", first.id());
        assertEquals(List.of(ChatMessage.system("Extract JSON."), ChatMessage.user("send 25 to Budi")), first.prompt());
        assertEquals("{\"intent\":\"transfer\",\"amount\":25}", first.gold());
        assertEquals(Map.of("intent", "transfer", "language", "en"), first.groups());

        EvalExample second = examples.get(1);
        assertEquals("line-3", second.id(), "no meta.id: the line number names it");
        assertEquals(List.of(ChatMessage.user("hi"), ChatMessage.assistant("hello"), ChatMessage.user("balance?")),
                second.prompt(), "earlier assistant turns stay in the prompt");
        assertEquals(Map.of("intent", "balance", "language", "id"), second.groups());
    }

    private void assertBadLine(int line, String expectedFragment, String... lines) throws IOException {
        Path file = write(lines);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EvalExamples.fromJsonl(file, "intent"));
        assertTrue(e.getMessage().startsWith(file + ":" + line + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expectedFragment), e.getMessage());
    }

    @Test
    void badLinesAreReportedWithFileAndLine() throws IOException {
        assertBadLine(2, "not valid JSON", GOOD, "{\"messages\": [");
        assertBadLine(1, "\"messages\"", "{\"conversations\":[]}");
        assertBadLine(2, "last message must be the assistant", GOOD,
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"meta\":{\"intent\":\"x\"}}");
        assertBadLine(1, "gold assistant answer is not valid JSON",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"{'a':1}\"}],"
                        + "\"meta\":{\"intent\":\"x\"}}");
        assertBadLine(1, "unknown chat role 'bot'",
                "{\"messages\":[{\"role\":\"bot\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"{}\"}],"
                        + "\"meta\":{\"intent\":\"x\"}}");
        assertBadLine(1, "messages[1] has no string \"content\"",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":null}]}");
        assertBadLine(1, "meta has no scalar \"intent\"",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"{}\"}]}");
        assertBadLine(3, "duplicate example id 'p-1'", GOOD, "", GOOD);
        assertBadLine(1, "no prompt before", "{\"messages\":[{\"role\":\"assistant\",\"content\":\"{}\"}],"
                + "\"meta\":{\"intent\":\"x\"}}");
    }

    @Test
    void loadedExamplesScoreEndToEnd() throws IOException {
        Path file = write(GOOD);
        JsonObjective any = JsonObjective.builder().setSchema("{\"type\":\"object\"}").build();
        EvalReport report = JsonObjectiveEvaluator.builder().setObjective(any).build()
                .evaluate(conversation -> "{\"amount\":25.0,\"intent\":\"transfer\"}",
                        EvalExamples.fromJsonl(file, "intent"));
        assertEquals(1.0, report.overall().exactMatchRate());
    }
}
