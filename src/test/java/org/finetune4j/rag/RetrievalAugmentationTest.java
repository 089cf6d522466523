package org.finetune4j.rag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.finetune4j.chat.ChatCompleter;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.data.Conversation;
import org.finetune4j.data.TrainingConversation;
import org.junit.jupiter.api.Test;

class RetrievalAugmentationTest {
    private static final String SYSTEM = "Payments assistant. Reply with only JSON.";

    private static Conversation chat(String user, String intent, String source) {
        return new Conversation(List.of(ChatMessage.system(SYSTEM), ChatMessage.user(user),
                ChatMessage.assistant("{\"intent\":\"" + intent + "\"}")), Map.of(), source);
    }

    private static final List<Conversation> TRAIN = List.of(
            chat("cek saldo gopay dong", "check_balance", "train:1"),
            chat("cek saldo ovo dong", "check_balance", "train:2"),
            chat("saldo gw berapa ya", "check_balance", "train:3"),
            chat("bayar tagihan PLN 100rb", "pay_bill", "train:4"));
    private static final List<String> GROUPS = List.of("balance.0", "balance.0", "balance.1", "bill.0");

    private static RetrievalAugmentation augmentation() {
        List<SolvedExample> examples = new ArrayList<>();
        for (int i = 0; i < TRAIN.size(); i++) {
            examples.add(SolvedExample.of(TRAIN.get(i), GROUPS.get(i)));
        }
        return RetrievalAugmentation.builder().setRetriever(ExampleRetriever.of(examples))
                .optPrompt(ExamplePrompt.builder().optAnswerField("intent").build()).build();
    }

    @Test
    void aTrainingConversationNeverSeesItselfOrItsOwnGroup() {
        RetrievalAugmentation a = augmentation();
        TrainingConversation t = a.forTraining(TrainingConversation.allAssistantTurns(TRAIN.get(0)), GROUPS.get(0));
        // "cek saldo ovo dong" is nearest but shares the template: the next phrasing is shown instead
        assertEquals(SYSTEM + "\nExample: saldo gw berapa ya = check_balance",
                t.conversation().messages().get(0).content());
        assertEquals(TRAIN.get(0).messages().subList(1, 3), t.conversation().messages().subList(1, 3));
        assertEquals("train:1", t.source());
        // without a group only the conversation itself is left out
        TrainingConversation u = a.forTraining(TrainingConversation.allAssistantTurns(TRAIN.get(0)), "");
        assertTrue(u.conversation().messages().get(0).content().endsWith("cek saldo ovo dong = check_balance"));
        a.retriever().close();
    }

    @Test
    void excludedTurnsFollowAnInsertedSystemMessage() {
        RetrievalAugmentation a = augmentation();
        Conversation noSystem = new Conversation(List.of(ChatMessage.user("cek saldo"), ChatMessage.assistant("{}"),
                ChatMessage.user("saldo ovo"), ChatMessage.assistant("{\"intent\":\"check_balance\"}")),
                Map.of(), "x:1");
        TrainingConversation t = a.forTraining(new TrainingConversation(noSystem, Set.of(1)), "");
        assertEquals(5, t.conversation().messages().size());
        assertEquals(Set.of(2), t.excludedTurns());
        assertTrue(t.isTrained(4));
        a.retriever().close();
    }

    @Test
    void theWrappedModelSeesTheAugmentedPromptInBatchesToo() {
        RetrievalAugmentation a = augmentation();
        List<List<ChatMessage>> seen = new ArrayList<>();
        ChatCompleter echo = new ChatCompleter() {
            @Override
            public String complete(List<ChatMessage> conversation) {
                seen.add(conversation);
                return "one";
            }

            @Override
            public List<String> completeAll(List<List<ChatMessage>> conversations) {
                seen.addAll(conversations);
                return conversations.stream().map(c -> "batch").toList();
            }
        };
        RetrievalAugmentedChat chat = new RetrievalAugmentedChat(echo, a);
        List<ChatMessage> prompt = List.of(ChatMessage.system(SYSTEM), ChatMessage.user("tagihan PLN bayar"));
        assertEquals("one", chat.complete(prompt));
        assertEquals(List.of("batch", "batch"), chat.completeAll(List.of(prompt, prompt)));
        assertEquals(3, seen.size());
        for (List<ChatMessage> s : seen) {
            assertEquals(SYSTEM + "\nExample: bayar tagihan PLN 100rb = pay_bill", s.get(0).content());
            assertEquals(prompt.get(1), s.get(1));
        }
        a.retriever().close();
    }

    private static RetrievalAugmentation voting(int voters, boolean pin) {
        List<SolvedExample> examples = new ArrayList<>();
        for (int i = 0; i < TRAIN.size(); i++) {
            examples.add(SolvedExample.of(TRAIN.get(i), GROUPS.get(i)));
        }
        return RetrievalAugmentation.builder().setRetriever(ExampleRetriever.of(examples))
                .optPrompt(ExamplePrompt.builder().optHeader("Mirip:").optAnswerField("intent").optVote(true).build())
                .optExamples(voters).optPinUnanimous(pin).build();
    }

    @Test
    void aUnanimousVotePinsItsFieldAndASplitOneDoesNot() {
        // "PLN" reaches the bill too, so all four examples are found
        List<ChatMessage> balance = List.of(ChatMessage.system(SYSTEM), ChatMessage.user("cek saldo PLN dong"));
        RetrievalAugmentation two = voting(2, true);
        // the two nearest are balance checks: they agree, and the pin is the value the vote line shows
        assertEquals(Map.of("intent", "check_balance"), two.pins(balance));
        assertTrue(two.forPrompt(balance).get(0).content().endsWith("Mirip: check_balance"));
        assertTrue(two.pinsUnanimous());
        // all four vote: the bill splits the vote, the line still shows its winner, nothing is pinned
        RetrievalAugmentation four = voting(4, true);
        assertEquals(Map.of(), four.pins(balance));
        assertTrue(four.forPrompt(balance).get(0).content().endsWith("Mirip: check_balance"));
        // off unless asked for
        RetrievalAugmentation off = voting(2, false);
        assertEquals(Map.of(), off.pins(balance));
        for (RetrievalAugmentation a : List.of(two, four, off)) {
            a.retriever().close();
        }
        RetrievalAugmentation shownOneByOne = augmentation();
        RetrievalAugmentation.Builder b = RetrievalAugmentation.builder().setRetriever(shownOneByOne.retriever())
                .optPrompt(ExamplePrompt.builder().optAnswerField("intent").build()).optPinUnanimous(true);
        assertThrows(IllegalArgumentException.class, b::build, "examples shown one by one are no vote");
        shownOneByOne.retriever().close();
    }

    @Test
    void thePinsOfAPromptReuseItsSearch() {
        List<ChatMessage> balance = List.of(ChatMessage.system(SYSTEM), ChatMessage.user("cek saldo PLN dong"));
        List<ChatMessage> bill = List.of(ChatMessage.system(SYSTEM), ChatMessage.user("bayar PLN"));
        RetrievalAugmentation two = voting(2, true);
        ExampleRetriever index = two.retriever();
        long before = index.searches();
        List<ChatMessage> prompt = two.forPrompt(balance);
        assertEquals(Map.of("intent", "check_balance"), two.pins(balance));
        assertEquals(before + 1, index.searches(), "the pins come from the prompt's search");
        // another query is searched; the first one's prompt is still built from its kept hits, unchanged
        two.pins(bill);
        assertEquals(before + 2, index.searches());
        assertEquals(prompt, two.forPrompt(balance));
        assertEquals(before + 2, index.searches());
        // only the last RECENT_QUERIES queries are kept: after that many others, the first is searched again
        for (int i = 0; i < RetrievalAugmentation.RECENT_QUERIES; i++) {
            two.pins(List.of(ChatMessage.user("cek saldo " + i)));
        }
        long searched = index.searches();
        assertEquals(prompt, two.forPrompt(balance));
        assertEquals(searched + 1, index.searches());
        index.close();
    }

    @Test
    void aPromptWithoutUserMessageIsRefused() {
        RetrievalAugmentation a = augmentation();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.forPrompt(List.of(ChatMessage.system(SYSTEM))));
        assertTrue(e.getMessage().contains("no user message"), e.getMessage());
        IllegalArgumentException notAnswered = assertThrows(IllegalArgumentException.class,
                () -> SolvedExample.of(new Conversation(List.of(ChatMessage.user("hi")), Map.of(), "f.jsonl:7"), ""));
        assertTrue(notAnswered.getMessage().startsWith("f.jsonl:7"), notAnswered.getMessage());
        a.retriever().close();
    }
}
