package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.LocalDate;
import java.util.List;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.rag.PromptTools;
import org.junit.jupiter.api.Test;

class DateHintToolTest {
    private static final LocalDate TODAY = LocalDate.of(2024, 12, 3); // a Tuesday

    @Test
    void theSavedNameFindsTheToolThatAddsTheDateLine() {
        PromptTools tools = PromptTools.named(List.of(DateHintTool.NAME));
        List<ChatMessage> dated = List.of(ChatMessage.system(TaskPrompts.jsonSystemPrompt(TODAY)),
                ChatMessage.user("tf 50rb ke budi bsk"));
        List<ChatMessage> shown = tools.apply(dated);
        assertEquals(TaskPrompts.jsonSystemPrompt(TODAY) + "\n\"date\":\"2024-12-04\"",
                shown.get(0).content());
        assertEquals(dated.subList(1, 2), shown.subList(1, 2));
        assertEquals(DateHints.withHint(dated), shown);

        List<ChatMessage> undated = List.of(ChatMessage.system(TaskPrompts.jsonSystemPrompt(TODAY)),
                ChatMessage.user("cek saldo dong"));
        assertSame(undated, tools.apply(undated));
    }
}
