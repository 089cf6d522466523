package org.finetune4j.data;

import static org.finetune4j.chat.ChatMessage.assistant;
import static org.finetune4j.chat.ChatMessage.user;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.finetune4j.tokenizer.HfTokenizer;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class MaskViewTest {
    @Test
    void marksTheLearnedSpans() {
        HfTokenizer tok = TinyTokenizers.chatMl();
        TokenizedSample s = LabelMasker.builder().setTokenizer(tok).build().mask(new TrainingConversation(
                new Conversation(List.of(user("q1"), assistant("a1"), user("q2"), assistant("a2")), Map.of(), "m:1"),
                Set.of()));
        assertEquals("<s><|im_start|>user\nq1<|im_end|>\n<|im_start|>assistant\n[[a1<|im_end|>]]\n"
                + "<|im_start|>user\nq2<|im_end|>\n<|im_start|>assistant\n[[a2<|im_end|>]]\n", MaskView.render(s, tok));

        List<MaskView.Span> spans = MaskView.spans(s, tok);
        assertEquals(5, spans.size());
        assertEquals(new MaskView.Span("a2<|im_end|>", true), spans.get(3));
        assertEquals(tok.decode(s.inputIds(), false),
                String.join("", spans.stream().map(MaskView.Span::text).toList()));

        Table table = MaskView.tokenTable(s, tok);
        assertEquals(s.length(), table.rowCount());
        assertEquals(s.trainableTokens(), table.booleanColumn("trained").isTrue().size());
        assertEquals("<|im_end|>", table.stringColumn("token").get(s.length() - 2));
    }
}
