package org.finetune4j.rag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.generate.constraint.FieldPins;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavedPromptingTest {
    @TempDir
    Path tmp;

    private static String line(String user, String intent) {
        return "{\"messages\":[{\"role\":\"system\",\"content\":\"S\"},{\"role\":\"user\",\"content\":\"" + user
                + "\"},{\"role\":\"assistant\",\"content\":\"{\\\"intent\\\":\\\"" + intent + "\\\"}\"}]}";
    }

    private static final RetrievalConfig CONFIG = new RetrievalConfig("train.jsonl", null, "Similar:", "intent", 1);
    private static final PromptTools TAG = PromptTools.named(List.of("test_tag_first"));
    private static final List<ChatMessage> PROMPT = List.of(ChatMessage.system("S"), ChatMessage.user("cek saldo"));

    private Path examples() throws IOException {
        return Files.write(tmp.resolve("train.jsonl"), List.of(line("cek saldo gopay", "check_balance"),
                line("bayar PLN 100rb", "pay_bill")));
    }

    @Test
    void toolsRewriteThePromptBeforeRetrievalAsInTraining() throws IOException {
        examples();
        RetrievalAugmentation rag = CONFIG.open(tmp);
        List<ChatMessage> shown = SavedPrompting.compose(TAG, rag).apply(PROMPT);
        assertEquals(rag.forPrompt(TAG.apply(PROMPT)), shown);
        String system = shown.get(0).content();
        assertTrue(system.startsWith("S +a\n") && system.contains("Similar: cek saldo gopay = check_balance"), system);
        assertEquals(TAG.apply(PROMPT), SavedPrompting.compose(TAG, null).apply(PROMPT));
        assertEquals(rag.forPrompt(PROMPT), SavedPrompting.compose(PromptTools.NONE, rag).apply(PROMPT));
        assertSame(PROMPT, SavedPrompting.compose(PromptTools.NONE, null).apply(PROMPT));
    }

    @Test
    void theComposedRewriteCarriesTheRetrievalsPins() throws IOException {
        examples();
        RetrievalAugmentation pinning = new RetrievalConfig("train.jsonl", null, "Mirip:", "intent", 1, true, true)
                .open(tmp);
        FieldPins pins = (FieldPins) SavedPrompting.compose(TAG, pinning);
        assertEquals(Map.of("intent", "check_balance"), pins.pins(PROMPT));
        assertEquals(pinning.pins(TAG.apply(PROMPT)), pins.pins(PROMPT));
        RetrievalAugmentation plain = new RetrievalConfig("train.jsonl", null, "Mirip:", "intent", 1, true).open(tmp);
        assertEquals(Map.of(), ((FieldPins) SavedPrompting.compose(TAG, plain)).pins(PROMPT));
        assertEquals(Map.of(), ((FieldPins) SavedPrompting.compose(TAG, null)).pins(PROMPT));
        pinning.retriever().close();
        plain.retriever().close();
        Path saved = tmp.resolve("pinned");
        new RetrievalConfig("train.jsonl", null, "Mirip:", "intent", 1, true, true).saveTo(saved, examples());
        assertEquals(Optional.of("retrieval (unanimous votes pinned)"), SavedPrompting.describe(saved));
    }

    @Test
    void aDirectoryPromptsAsItsSavedToolsAndRetrievalAndACopyDoesToo() throws IOException {
        Path model = tmp.resolve("model");
        Files.createDirectories(model);
        assertSame(PROMPT, SavedPrompting.load(model).apply(PROMPT), "nothing saved: the prompt as it is");
        assertEquals(Optional.empty(), SavedPrompting.describe(model));

        TAG.saveTo(model);
        assertEquals(TAG.apply(PROMPT), SavedPrompting.load(model).apply(PROMPT));
        assertEquals(Optional.of("prompt tools [test_tag_first]"), SavedPrompting.describe(model));

        CONFIG.saveTo(model, examples());
        UnaryOperator<List<ChatMessage>> expected = SavedPrompting.compose(TAG, CONFIG.open(tmp));
        assertEquals(expected.apply(PROMPT), SavedPrompting.load(model).apply(PROMPT));
        assertEquals(Optional.of("prompt tools [test_tag_first], retrieval"), SavedPrompting.describe(model));

        Path merged = tmp.resolve("merged");
        Files.createDirectories(merged);
        SavedPrompting.copy(model, merged);
        assertEquals(expected.apply(PROMPT), SavedPrompting.load(merged).apply(PROMPT));

        PromptTools.NONE.saveTo(model);
        assertEquals(Optional.of("retrieval"), SavedPrompting.describe(model));
    }
}
