package org.finetune4j.rag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.finetune4j.chat.ChatMessage;
import org.junit.jupiter.api.Test;

class ExamplePromptTest {
    private static final SolvedExample SALDO = new SolvedExample("saldo gw brp",
            "{\"intent\":\"check_balance\",\"amount\":null}", "check_balance.id.1");
    private static final SolvedExample TF = new SolvedExample("tf 50rb ke ani",
            "{\"intent\":\"transfer\",\"amount\":50000}", "transfer.id.0");

    @Test
    void wholeExamplesFollowTheSystemMessage() {
        List<ChatMessage> out = ExamplePrompt.builder().build().withExamples(
                List.of(ChatMessage.system("Reply with JSON."), ChatMessage.user("cek saldo")), List.of(SALDO, TF));
        assertEquals(ChatMessage.system("Reply with JSON.\nExample:\nsaldo gw brp\n"
                + "{\"intent\":\"check_balance\",\"amount\":null}\nExample:\ntf 50rb ke ani\n"
                + "{\"intent\":\"transfer\",\"amount\":50000}"), out.get(0));
        assertEquals(ChatMessage.user("cek saldo"), out.get(1));
        assertEquals(2, out.size());
    }

    @Test
    void oneFieldOfTheAnswerGoesOnTheMessagesLine() {
        ExamplePrompt p = ExamplePrompt.builder().optHeader("Mirip / similar:").optAnswerField("intent").build();
        assertEquals("\nMirip / similar: saldo gw brp = check_balance", p.block(List.of(SALDO)));
        assertEquals("\nMirip / similar: tf 50rb ke ani = 50000",
                ExamplePrompt.builder().optHeader("Mirip / similar:").optAnswerField("amount").build()
                        .block(List.of(TF)));
        assertEquals("", p.block(List.of()));
    }

    @Test
    void aConversationWithoutSystemMessageGetsOne() {
        List<ChatMessage> out = ExamplePrompt.builder().optAnswerField("intent").build()
                .withExamples(List.of(ChatMessage.user("cek saldo")), List.of(SALDO));
        assertEquals(List.of(ChatMessage.system("Example: saldo gw brp = check_balance"),
                ChatMessage.user("cek saldo")), out);
    }

    private static SolvedExample intent(String message, String intent) {
        return new SolvedExample(message, "{\"intent\":\"" + intent + "\"}", "");
    }

    @Test
    void aVoteShowsTheIntentTheScoresFavour() {
        ExamplePrompt p = ExamplePrompt.builder().optHeader("Mirip:").optAnswerField("intent").optVote(true).build();
        List<RetrievedExample> hits = List.of(new RetrievedExample(0, intent("tf 5rb ke budi", "transfer"), 9f),
                new RetrievedExample(1, intent("minta 5rb dari budi", "request_money"), 6f),
                new RetrievedExample(2, intent("tagih budi 5rb", "request_money"), 5f));
        // 6 + 5 outweigh the nearest example's 9
        assertEquals("\nMirip: request_money", p.blockOf(hits));
        assertEquals(List.of(ChatMessage.system("JSON\nMirip: request_money"), ChatMessage.user("budi 5rb")),
                p.withRetrieved(List.of(ChatMessage.system("JSON"), ChatMessage.user("budi 5rb")), hits));
        // a tie goes to the best-ranked value; one hit is its own vote; none shows nothing
        assertEquals("\nMirip: transfer", p.blockOf(List.of(hits.get(0),
                new RetrievedExample(1, intent("minta", "request_money"), 9f))));
        assertEquals("\nMirip: request_money", p.blockOf(hits.subList(1, 2)));
        assertEquals("", p.blockOf(List.of()));
        // examples without scores vote alike: two request_money outvote one transfer
        assertEquals("\nMirip: request_money", p.block(hits.stream().map(RetrievedExample::example).toList()));
        // without a vote, search results are shown as their examples
        ExamplePrompt lines = ExamplePrompt.builder().optHeader("Mirip:").optAnswerField("intent").build();
        assertEquals(lines.block(hits.stream().map(RetrievedExample::example).toList()), lines.blockOf(hits));
        assertThrows(IllegalArgumentException.class, () -> ExamplePrompt.builder().optVote(true).build());
    }

    @Test
    void withoutExamplesTheConversationIsUnchanged() {
        ExamplePrompt p = ExamplePrompt.builder().optAnswerField("intent").build();
        List<ChatMessage> noSystem = List.of(ChatMessage.user("cek saldo"));
        assertEquals(noSystem, p.withExamples(noSystem, List.of()));
        List<ChatMessage> withSystem = List.of(ChatMessage.system("JSON"), ChatMessage.user("cek saldo"));
        assertEquals(withSystem, p.withExamples(withSystem, List.of()));
    }

    @Test
    void aMissingFieldOrANonJsonAnswerNamesTheExample() {
        ExamplePrompt p = ExamplePrompt.builder().optAnswerField("provider").build();
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> p.block(List.of(SALDO)));
        assertTrue(missing.getMessage().contains("saldo gw brp") && missing.getMessage().contains("provider"),
                missing.getMessage());
        IllegalArgumentException notJson = assertThrows(IllegalArgumentException.class,
                () -> p.block(List.of(new SolvedExample("hi", "Hello!", "g"))));
        assertTrue(notJson.getMessage().contains("not JSON"), notJson.getMessage());
    }
}
