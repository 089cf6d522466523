package org.finetune4j.data;

import static org.finetune4j.chat.ChatMessage.assistant;
import static org.finetune4j.chat.ChatMessage.system;
import static org.finetune4j.chat.ChatMessage.user;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.tokenizer.HfTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LabelMaskerTest {
    private static final Map<String, String> FIXED_DATE = Map.of("date_string", "26 Jul 2024");

    /**
     * Per fixture template: the end-of-turn marker it writes after an answer, the text it writes between
     * the generation prompt and the content, and whether it accepts a system message.
     */
    static Stream<Arguments> templates() {
        return Stream.of(
                Arguments.of(TinyTokenizers.QWEN25, null, "<|im_end|>", "", true),
                Arguments.of(TinyTokenizers.SMOLLM2, null, "<|im_end|>", "", true),
                // The tiny config's eos_token (<|im_end|>) is what the Mistral template writes after an answer.
                Arguments.of(TinyTokenizers.MISTRAL, null, "<|im_end|>", " ", true),
                Arguments.of(TinyTokenizers.LLAMA3, "<|eot_id|>", "<|eot_id|>", "", true),
                Arguments.of(TinyTokenizers.GEMMA2, "<end_of_turn>", "<end_of_turn>", "", false),
                Arguments.of(TinyTokenizers.GEMMA3, "<end_of_turn>", "<end_of_turn>", "", true));
    }

    private static LabelMasker masker(HfTokenizer tok, String marker, int maxLength) {
        LabelMasker.Builder b = LabelMasker.builder().setTokenizer(tok).optMaxLength(maxLength)
                .optTemplateVariables(FIXED_DATE);
        if (marker != null) {
            b.optEndOfTurn(marker);
        }
        return b.build();
    }

    private static TrainingConversation conversation(Set<Integer> excluded, ChatMessage... messages) {
        return new TrainingConversation(new Conversation(List.of(messages), Map.of(), "t.jsonl:1"), excluded);
    }

    /** Text of each maximal run of learned tokens. */
    private static List<String> learnedSpans(TokenizedSample s, HfTokenizer tok) {
        List<String> spans = new ArrayList<>();
        int t = 0;
        while (t < s.length()) {
            if (!s.isTrained(t)) {
                t++;
                continue;
            }
            int start = t;
            while (t < s.length() && s.isTrained(t)) {
                t++;
            }
            spans.add(tok.decode(Arrays.copyOfRange(s.inputIds(), start, t), false));
        }
        return spans;
    }

    private static void assertWholeConversation(TokenizedSample s, HfTokenizer tok, List<ChatMessage> messages) {
        String rendered = tok.renderChatTemplate(messages, false, FIXED_DATE);
        assertArrayEquals(tok.encode(rendered, false), s.inputIds());
        assertEquals(rendered, tok.decode(s.inputIds(), false));
        for (int t = 0; t < s.length(); t++) {
            assertTrue(s.labels()[t] == TokenBatch.IGNORE || s.labels()[t] == s.inputIds()[t]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void multiTurnLearnsEachAnswerAndItsEndOfTurnMarkerOnly(String template, String marker, String end, String lead,
            boolean systemAllowed) {
        HfTokenizer tok = TinyTokenizers.withFixture(template);
        List<ChatMessage> messages = new ArrayList<>();
        if (systemAllowed) {
            messages.add(system("You extract payments as JSON."));
        }
        messages.addAll(List.of(
                user("Bayar 40 ribu ke Sinta"),
                assistant("{\"amount\": 40000, \"payee\": \"Sinta\"}"),
                user("And the currency?"),
                assistant("IDR — rupiah.")));
        TrainingConversation c = conversation(Set.of(), messages.toArray(ChatMessage[]::new));
        TokenizedSample s = masker(tok, marker, 4096).mask(c);

        assertWholeConversation(s, tok, messages);
        assertEquals(List.of(lead + "{\"amount\": 40000, \"payee\": \"Sinta\"}" + end, lead + "IDR — rupiah." + end),
                learnedSpans(s, tok));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void withoutSystemMessage(String template, String marker, String end, String lead, boolean systemAllowed) {
        HfTokenizer tok = TinyTokenizers.withFixture(template);
        TrainingConversation c = conversation(Set.of(), user("Hello!"), assistant("Hi there."));
        TokenizedSample s = masker(tok, marker, 4096).mask(c);
        assertWholeConversation(s, tok, c.conversation().messages());
        assertEquals(List.of(lead + "Hi there." + end), learnedSpans(s, tok));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void weightZeroTurnStaysInContextButIsNotLearned(String template, String marker, String end, String lead,
            boolean systemAllowed) {
        HfTokenizer tok = TinyTokenizers.withFixture(template);
        TrainingConversation c = conversation(Set.of(1), user("one"), assistant("a bad answer"), user("two"),
                assistant("a good answer"));
        TokenizedSample s = masker(tok, marker, 4096).mask(c);
        assertWholeConversation(s, tok, c.conversation().messages());
        assertEquals(List.of(lead + "a good answer" + end), learnedSpans(s, tok));
        assertTrue(tok.decode(s.inputIds(), false).contains("a bad answer"));
    }

    @Test
    void chatMlMasksTheNewlineAfterImEndAndTheAssistantHeader() {
        HfTokenizer tok = TinyTokenizers.chatMl();
        TokenizedSample s = masker(tok, null, 4096).mask(conversation(Set.of(), user("q"), assistant("a")));
        // <s><|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\na<|im_end|>\n
        long[] ids = s.inputIds();
        int n = ids.length;
        assertEquals(tok.encode("\n", false)[0], ids[n - 1]);
        assertEquals(TokenBatch.IGNORE, s.labels()[n - 1]);
        assertEquals(TinyTokenizers.IM_END_ID, s.labels()[n - 2]);
        assertEquals(tok.encode("a", false)[0], s.labels()[n - 3]);
        assertEquals(2, s.trainableTokens());
        assertEquals(List.of("<|im_end|>"), masker(tok, null, 4096).endOfTurnMarkers());
    }

    @Test
    void truncationKeepsPartlyCutAnswersAndDropsFullyCutOnesWithACount() {
        HfTokenizer tok = TinyTokenizers.chatMl();
        TrainingConversation longAnswer = conversation(Set.of(), user("q"), assistant("a long answer that will be cut"));
        TrainingConversation longPrompt = new TrainingConversation(new Conversation(List.of(
                user("a very long question that fills the whole budget of tokens"), assistant("ok")), Map.of(),
                "t.jsonl:2"), Set.of());
        TrainingConversation shortOne = new TrainingConversation(new Conversation(List.of(user("q"), assistant("a")),
                Map.of(), "t.jsonl:3"), Set.of());
        // The prompt part of "q"/answer: <s><|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n
        int prompt = tok.applyChatTemplate(List.of(user("q")), true).length;
        LabelMasker masker = masker(tok, null, prompt + 3);
        MaskingReport report = masker.maskAll(List.of(longAnswer, longPrompt, shortOne));

        assertEquals(2, report.truncated());
        assertEquals(List.of("t.jsonl:2"), report.droppedSources());
        assertEquals(2, report.samples().size());
        TokenizedSample cut = report.samples().get(0);
        assertEquals(prompt + 3, cut.length());
        assertEquals(3, cut.trainableTokens());
        assertEquals(report.samples().get(1), masker.mask(shortOne));
    }

    @Test
    void generationPromptThatIsNotAPrefixOfTheAnswerIsDetected() {
        String template = "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}"
                + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n<think>\\n' }}{% endif %}";
        HfTokenizer tok = TinyTokenizers.withTemplate(template);
        try (tok) {
            DatasetException e = assertThrows(DatasetException.class,
                    () -> masker(tok, null, 4096).mask(conversation(Set.of(), user("q"), assistant("a"))));
            assertTrue(e.getMessage().startsWith("t.jsonl:1: the chat template is not prefix-stable"), e.getMessage());
            assertTrue(e.getMessage().contains("with the generation prompt"), e.getMessage());
        }
    }

    @Test
    void earlierTurnsRenderedDifferentlyLaterAreDetected() {
        String template = "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' }}"
                + "{% if m['role'] == 'assistant' and not loop.last %}{{ '[earlier]' }}{% else %}{{ m['content'] }}{% endif %}"
                + "{{ '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
        HfTokenizer tok = TinyTokenizers.withTemplate(template);
        try (tok) {
            TrainingConversation c = conversation(Set.of(), user("q1"), assistant("a1"), user("q2"), assistant("a2"));
            DatasetException e = assertThrows(DatasetException.class, () -> masker(tok, null, 4096).mask(c));
            assertTrue(e.getMessage().startsWith("t.jsonl:1: the chat template is not prefix-stable"), e.getMessage());
            assertTrue(e.getMessage().contains("the whole conversation"), e.getMessage());
        }
    }

    @Test
    void missingEndOfTurnMarkerIsAClearError() {
        HfTokenizer tok = TinyTokenizers.withFixture(TinyTokenizers.LLAMA3);
        DatasetException e = assertThrows(DatasetException.class,
                () -> masker(tok, null, 4096).mask(conversation(Set.of(), user("q"), assistant("a"))));
        assertTrue(e.getMessage().startsWith("t.jsonl:1: assistant turn messages[1] is rendered without any of the "
                + "end-of-turn markers [<|im_end|>]"), e.getMessage());
    }

    @Test
    void templateRejectionNamesTheSample() {
        HfTokenizer tok = TinyTokenizers.withFixture(TinyTokenizers.GEMMA2);
        DatasetException e = assertThrows(DatasetException.class, () -> masker(tok, "<end_of_turn>", 4096)
                .mask(conversation(Set.of(), system("s"), user("q"), assistant("a"))));
        assertTrue(e.getMessage().startsWith("t.jsonl:1: the chat template rejects this conversation"), e.getMessage());
        assertTrue(e.getMessage().contains("System role not supported"), e.getMessage());
    }

    @Test
    void labelsLineUpWithRoles() {
        // Independent reference for ChatML: learned tokens are exactly those of "content<|im_end|>" of each answer.
        HfTokenizer tok = TinyTokenizers.chatMl();
        TokenizedSample s = masker(tok, null, 4096).mask(conversation(Set.of(), system("sys"), user("u1"),
                assistant("and the"), user("u2"), assistant("man")));
        List<Long> learned = new ArrayList<>();
        for (long l : s.labels()) {
            if (l != TokenBatch.IGNORE) {
                learned.add(l);
            }
        }
        List<Long> expected = new ArrayList<>();
        for (String text : new String[] {"and the<|im_end|>", "man<|im_end|>"}) {
            for (long id : tok.encode(text, false)) {
                expected.add(id);
            }
        }
        assertEquals(expected, learned);
    }
}
