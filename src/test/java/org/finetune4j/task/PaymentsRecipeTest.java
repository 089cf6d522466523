package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.data.ChatDatasetReader;
import org.finetune4j.data.TrainingConversation;
import org.finetune4j.generate.constraint.JsonField;
import org.finetune4j.generate.constraint.JsonSchemaConstraint;
import org.finetune4j.generate.constraint.SavedDecoding;
import org.finetune4j.rag.PromptTools;
import org.finetune4j.rag.RetrievalConfig;
import org.finetune4j.rag.SavedPrompting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recipe's prompting: the date and amount lines before the retrieval vote, the same in training, in use and once
 * saved.
 */
class PaymentsRecipeTest {
    private static final Path TASK = Path.of("data/task");
    private static final LocalDate TODAY = LocalDate.of(2024, 12, 3);

    @TempDir
    Path tmp;

    @Test
    void theDefaultRecipePromptsWithTheDateAndAmountLinesThenTheRetrievalVote() throws IOException {
        PaymentsRecipe recipe = PaymentsRecipe.defaults();
        assertEquals(List.of(DateHintTool.NAME, AmountHintTool.NAME), recipe.tools().names());
        List<ChatMessage> prompt = List.of(ChatMessage.system(TaskPrompts.jsonSystemPrompt(TODAY)),
                ChatMessage.user("bayar listrik PLN 200rb jumat depan"));
        try (PaymentsRetrieval rag = recipe.openRetrieval(TASK)) {
            String system = recipe.prompting(rag).apply(prompt).get(0).content();
            List<String> lines = system.lines().toList();
            assertEquals("\"date\":\"2024-12-13\"", lines.get(lines.size() - 3), system);
            assertEquals("\"amount\":200000,\"currency\":\"IDR\"", lines.get(lines.size() - 2), system);
            assertTrue(lines.get(lines.size() - 1).startsWith("Mirip: "), system);

            // a training conversation is shown the same two lines, in the same order
            TrainingConversation first = ChatDatasetReader.builder().build().read(TASK.resolve("train.jsonl"))
                    .conversations().stream()
                    .filter(t -> DateHints.withHint(t.conversation().messages()) != t.conversation().messages())
                    .findFirst().orElseThrow();
            TrainingConversation shown = recipe.shownInTraining(List.of(first), rag).get(0);
            List<ChatMessage> asked = first.conversation().messages().subList(0, 2);
            assertEquals(recipe.prompting(rag).apply(asked).get(0), shown.conversation().messages().get(0));

            Path adapter = tmp.resolve("adapter");
            Files.createDirectories(adapter);
            recipe.savePrompting(adapter, rag);
            assertEquals(recipe.promptTools(), PromptTools.load(adapter).orElseThrow().names());
            assertTrue(RetrievalConfig.find(adapter).isPresent());
            assertEquals(recipe.prompting(rag).apply(prompt), SavedPrompting.load(adapter).apply(prompt));
        }
    }

    @Test
    void withoutPromptToolsNoLineIsAddedAndNoToolIsSaved() throws IOException {
        PaymentsRecipe plain = PaymentsRecipe.defaults().withPromptTools(List.of())
                .withRetrieval(PaymentsRecipe.Retrieval.NONE, 1);
        assertTrue(plain.tools().isEmpty());
        List<ChatMessage> prompt = List.of(ChatMessage.system(TaskPrompts.jsonSystemPrompt(TODAY)),
                ChatMessage.user("tf 50rb ke budi besok"));
        assertEquals(prompt, plain.prompting(null).apply(prompt));

        Path dir = tmp.resolve("merged");
        Files.createDirectories(dir);
        PaymentsRecipe.defaults().savePrompting(dir, null);
        assertTrue(Files.exists(dir.resolve(PromptTools.FILE_NAME)));
        plain.savePrompting(dir, null);
        assertFalse(Files.exists(dir.resolve(PromptTools.FILE_NAME)), "re-saved without the tool");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> PaymentsRecipe.defaults().withPromptTools(List.of("amount_hints")));
        assertTrue(unknown.getMessage().startsWith("unknown prompt tool 'amount_hints'"), unknown.getMessage());
    }

    @Test
    void theDefaultRecipeDecodesToTheTaskSchemaCopyingNamesAndSavesItFreeDecodingSavesNothing() throws IOException {
        JsonSchemaConstraint c = PaymentsRecipe.defaults().decodingConstraint(Path.of("data/task"));
        assertEquals(Set.of("recipient", "provider", "note"), c.copiedFields());
        assertEquals(List.of("intent", "amount", "currency", "recipient", "provider", "date", "note"),
                c.grammar().fields().stream().map(JsonField::name).toList());
        PaymentsRecipe free = PaymentsRecipe.defaults().withDecoding(PaymentsRecipe.Decoding.FREE);
        assertNull(free.decodingConstraint(Path.of("data/task")));

        Path dir = tmp.resolve("adapter");
        Files.createDirectories(dir);
        PaymentsRecipe.defaults().saveDecoding(dir, Path.of("data/task"));
        assertEquals(c.copiedFields(), SavedDecoding.load(dir).orElseThrow().copiedFields());
        assertEquals(c.schema(), SavedDecoding.load(dir).orElseThrow().schema());
        free.saveDecoding(dir, Path.of("data/task"));
        assertFalse(Files.exists(dir.resolve(SavedDecoding.FILE_NAME)), "re-saved with free decoding");
        java.io.UncheckedIOException missing = assertThrows(java.io.UncheckedIOException.class,
                () -> PaymentsRecipe.defaults().decodingConstraint(tmp));
        assertTrue(missing.getMessage().contains(tmp.resolve("schema.json").toString()), missing.getMessage());
    }
}
