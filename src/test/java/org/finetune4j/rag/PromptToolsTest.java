package org.finetune4j.rag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.data.Conversation;
import org.finetune4j.data.TrainingConversation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptToolsTest {
    @TempDir
    Path tmp;

    private static final List<ChatMessage> PROMPT = List.of(ChatMessage.system("sys"), ChatMessage.user("tf 10rb"));

    @Test
    void toolsAreFoundByNameOnTheClassPathAndAppliedInTheirOrder() {
        Map<String, PromptTool> all = PromptTools.available();
        assertTrue(all.keySet().containsAll(List.of("date_hint", "test_tag_first", "test_preamble")), all.toString());

        PromptTools tagThenPreamble = PromptTools.named(List.of("test_tag_first", "test_preamble"));
        assertEquals(List.of("test_tag_first", "test_preamble"), tagThenPreamble.names());
        assertEquals(List.of(ChatMessage.system("preamble"), ChatMessage.system("sys +a"), ChatMessage.user("tf 10rb")),
                tagThenPreamble.apply(PROMPT));
        assertEquals(List.of(ChatMessage.system("preamble +a"), ChatMessage.system("sys"), ChatMessage.user("tf 10rb")),
                PromptTools.named(List.of("test_preamble", "test_tag_first")).apply(PROMPT));
        assertSame(PROMPT, PromptTools.NONE.apply(PROMPT));
        assertEquals(List.of(ChatMessage.system("sys"), ChatMessage.user("tf 10rb")), PROMPT, "input left as it was");
    }

    @Test
    void anUnknownOrRepeatedNameIsRefusedWithTheKnownTools() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> PromptTools.named(List.of("date_hints")));
        assertTrue(unknown.getMessage().startsWith("unknown prompt tool 'date_hints'; known: ["), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("date_hint,"), unknown.getMessage());
        IllegalArgumentException badName = assertThrows(IllegalArgumentException.class,
                () -> new NamedPromptTool("Date Hint", c -> c) {});
        assertEquals("a prompt tool's name is lower case, digits and underscores: Date Hint", badName.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> PromptTools.named(List.of("test_preamble", "test_preamble")));
        assertEquals("prompt tool 'test_preamble' is listed twice", twice.getMessage());
    }

    @Test
    void trainingConversationsKeepTheirTrainedTurnsAcrossInsertedMessages() {
        List<ChatMessage> messages = List.of(ChatMessage.system("sys"), ChatMessage.user("a"),
                ChatMessage.assistant("x"), ChatMessage.user("b"), ChatMessage.assistant("y"));
        TrainingConversation t = new TrainingConversation(new Conversation(messages, Map.of("k", "v"), "f.jsonl:3"),
                Set.of(2));
        assertFalse(t.isTrained(2));

        TrainingConversation tagged = PromptTools.named(List.of("test_tag_first")).forTraining(t);
        assertEquals("sys +a", tagged.conversation().messages().get(0).content());
        assertEquals(Set.of(2), tagged.excludedTurns());

        TrainingConversation shifted = PromptTools.named(List.of("test_preamble")).forTraining(t);
        assertEquals(6, shifted.conversation().messages().size());
        assertEquals(Set.of(3), shifted.excludedTurns(), "the same assistant turn ('x') stays untrained");
        assertEquals("x", shifted.conversation().messages().get(3).content());
        assertTrue(shifted.isTrained(5));
        assertEquals(Map.of("k", "v"), shifted.conversation().meta());
        assertEquals("f.jsonl:3", shifted.source());

        assertSame(t, PromptTools.NONE.forTraining(t));
        PromptTool dropper = new PromptTool() {
            @Override
            public String name() {
                return "dropper";
            }

            @Override
            public List<ChatMessage> apply(List<ChatMessage> conversation) {
                return conversation.subList(1, conversation.size());
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PromptTools.of(dropper).forTraining(t));
        assertEquals("f.jsonl:3: prompt tools [dropper] removed messages", e.getMessage());
    }

    @Test
    void savedToolsLoadBackAndSavingNoneRemovesAStaleFile() throws IOException {
        assertTrue(PromptTools.load(tmp).isEmpty(), "no file, no tools");
        PromptTools tools = PromptTools.named(List.of("test_preamble", "date_hint"));
        tools.saveTo(tmp);
        Path file = tmp.resolve(PromptTools.FILE_NAME);
        assertTrue(Files.readString(file).contains("\"tools\""), Files.readString(file));
        PromptTools loaded = PromptTools.load(tmp).orElseThrow();
        assertEquals(tools.names(), loaded.names());
        assertEquals(tools.apply(PROMPT), loaded.apply(PROMPT));

        Path copy = tmp.resolve("merged");
        Files.createDirectories(copy);
        PromptTools.copy(tmp, copy);
        assertEquals(tools.names(), PromptTools.load(copy).orElseThrow().names());

        PromptTools.NONE.saveTo(tmp);
        assertFalse(Files.exists(file), "a model saved without tools does not keep an older run's file");
        assertTrue(PromptTools.load(tmp).isEmpty());
        PromptTools.copy(tmp, copy);
        assertTrue(PromptTools.load(copy).isPresent(), "copying from a directory without tools changes nothing");
    }

    @Test
    void aMalformedFileIsNamedInTheError() throws IOException {
        Path file = tmp.resolve(PromptTools.FILE_NAME);
        for (String content : List.of("{\"tools\": [\"date_hint\"", "{\"tool\": [\"date_hint\"]}", "{}",
                "{\"tools\": \"date_hint\"}", "{\"tools\": [\"nope\"]}")) {
            Files.writeString(file, content);
            IOException e = assertThrows(IOException.class, () -> PromptTools.load(tmp), content);
            assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        }
        IOException unknown = assertThrows(IOException.class, () -> PromptTools.load(tmp));
        assertTrue(unknown.getMessage().contains("unknown prompt tool 'nope'"), unknown.getMessage());
    }
}
