package org.finetune4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.function.UnaryOperator;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.config.GenerationConfig;
import org.finetune4j.eval.JsonObjective;
import org.finetune4j.generate.constraint.CopiedText;
import org.finetune4j.generate.constraint.FieldPins;
import org.finetune4j.generate.constraint.JsonSchemaConstraint;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.model.ModelResources;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.finetune4j.tokenizer.HfTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ChatModelTest {
    static NDManager root;
    static ChatModel chat;
    static HfTokenizer tok;

    @BeforeAll
    static void load() throws Exception {
        tok = HfTokenizer.load(Path.of("src/test/resources/tiny-tokenizer"));
        LlamaConfig c = LlamaConfig.builder().setVocabSize(tok.vocabSize()).setHiddenSize(32).setIntermediateSize(48)
                .setNumHiddenLayers(2).setNumAttentionHeads(4).optMaxPositionEmbeddings(256).build();
        root = Djl.engine().newBaseManager();
        LlamaForCausalLM model = LlamaForCausalLM.fromWeights(c, LlamaForCausalLM.randomWeights(c, 9, 0.5),
                ModelResources.create(root, DevicePolicy.cpu()));
        chat = new ChatModel(model, tok, GenerationConfig.DEFAULTS);
    }

    @AfterAll
    static void close() {
        chat.close();
        root.close();
    }

    static List<ChatMessage> conversation(String user) {
        return List.of(ChatMessage.system("Jawab dalam JSON."), ChatMessage.user(user));
    }

    @Test
    void endOfTurnTokenStopsGeneration() {
        assertTrue(chat.defaultSampling().stopTokenIds().contains(tok.tokenId("<|im_end|>").getAsLong()));
        assertEquals(0.0, chat.defaultSampling().temperature());
    }

    @Test
    void aPromptAugmentationRewritesEveryPromptBeforeItIsRendered() {
        SamplingConfig s = SamplingConfig.greedy(8);
        UnaryOperator<List<ChatMessage>> addLine = c -> List.of(
                ChatMessage.system(c.get(0).content() + "\nMirip: cek saldo = check_balance"), c.get(1));
        // not closed: they share the class's model and tokenizer
        ChatModel plain = new ChatModel(chat.model(), tok, GenerationConfig.DEFAULTS);
        ChatModel augmented = new ChatModel(chat.model(), tok, GenerationConfig.DEFAULTS);
        augmented.optPromptAugmentation(addLine);
        List<ChatMessage> c = conversation("saldo gw brp");
        assertEquals(addLine.apply(c), augmented.augment(c));
        assertEquals(c, plain.augment(c));
        String expected = plain.chat(addLine.apply(c), s);
        assertNotEquals(plain.chat(c, s), expected, "the fixture must answer the added line differently");
        assertEquals(expected, augmented.chat(c, s));
        assertEquals(List.of(expected, plain.chat(addLine.apply(conversation("tf 5rb")), s)),
                augmented.chatAll(List.of(c, conversation("tf 5rb")), s));
        StringBuilder streamed = new StringBuilder();
        assertEquals(expected, augmented.chatStream(c, s, streamed::append));
    }

    @Test
    void replyIsTheDecodedGenerationOfTheRenderedPrompt() {
        SamplingConfig s = SamplingConfig.greedy(12);
        long[] prompt = tok.applyChatTemplate(conversation("tf 250rb ke budi"), true);
        GeneratedSequence g = new Generator(chat.model(), null).generate(prompt,
                s.toBuilder().optStopTokenIds(chat.defaultSampling().stopTokenIds()).build(), TokenListener.NONE);
        assertEquals(tok.decode(g.tokens(), true), chat.chat(conversation("tf 250rb ke budi"), s));
    }

    @Test
    void streamedPiecesConcatenateToTheReply() {
        StringBuilder streamed = new StringBuilder();
        String reply = chat.chatStream(conversation("cek saldo dong"), SamplingConfig.greedy(20), streamed::append);
        assertEquals(reply, streamed.toString());
    }

    @Test
    void batchedRepliesEqualSingleReplies() {
        List<List<ChatMessage>> convs = List.of(conversation("bayar listrik PLN 1,5jt"), conversation("hi"),
                conversation("send 20 USD to Sarah on 3 Dec"));
        List<String> batched = chat.optBatchSize(2).chatAll(convs, SamplingConfig.greedy(10));
        for (int i = 0; i < convs.size(); i++) {
            assertEquals(chat.chat(convs.get(i), SamplingConfig.greedy(10)), batched.get(i));
        }
    }

    @Test
    void aJsonSchemaConstraintMakesEvenARandomModelAnswerSchemaValidJsonCopiedFromTheMessage() throws Exception {
        Path task = Path.of("data/task");
        JsonObjective objective = JsonObjective.builder().setSchema(task.resolve("schema.json")).build();
        List<List<ChatMessage>> convs = List.of(conversation("tf ke budi 50rb"), conversation("cek saldo"),
                conversation("bayar PLN 1,5jt buat ibu"));
        SamplingConfig sampling = SamplingConfig.greedy(400);
        List<String> free = chat.chatAll(convs, sampling);
        chat.optDecodingConstraint(JsonSchemaConstraint.builder().setSchema(objective.schemaNode())
                .optCopiedFields(Set.of("recipient", "provider", "note")).build());
        try {
            List<String> constrained = chat.chatAll(convs, sampling);
            assertEquals(constrained.get(1), chat.chat(convs.get(1), sampling), "batched and alone alike");
            for (int i = 0; i < convs.size(); i++) {
                assertFalse(isJsonObject(free.get(i)), "random weights write no JSON: " + free.get(i));
                JsonNode answer = new ObjectMapper().readTree(constrained.get(i));
                assertEquals(List.of(), objective.schemaErrors(answer), constrained.get(i));
                String message = convs.get(i).get(1).content();
                for (String f : List.of("recipient", "provider", "note")) {
                    assertTrue(answer.get(f).isNull() || CopiedText.isCopied(answer.get(f).asText(), message),
                            f + " of " + constrained.get(i));
                }
            }
        } finally {
            chat.optDecodingConstraint(null);
        }
    }

    /** An identity rewrite that pins {@code field} to {@code value} for the conversations asking {@code user}. */
    record PinFor(String user, String field, String value) implements UnaryOperator<List<ChatMessage>>, FieldPins {
        @Override
        public List<ChatMessage> apply(List<ChatMessage> conversation) {
            return conversation;
        }

        @Override
        public Map<String, String> pins(List<ChatMessage> conversation) {
            return conversation.get(1).content().equals(user) ? Map.of(field, value) : Map.of();
        }
    }

    @Test
    void fieldsThePromptAugmentationPinsAreDecodedWithThePinnedValue() throws Exception {
        JsonObjective objective = JsonObjective.builder().setSchema(Path.of("data/task/schema.json")).build();
        List<List<ChatMessage>> convs = List.of(conversation("tf ke budi 50rb"), conversation("cek saldo"));
        SamplingConfig sampling = SamplingConfig.greedy(400);
        // not closed: it shares the class's model and tokenizer
        ChatModel pinned = new ChatModel(chat.model(), tok, GenerationConfig.DEFAULTS).optDecodingConstraint(
                JsonSchemaConstraint.builder().setSchema(objective.schemaNode())
                        .optCopiedFields(Set.of("recipient", "provider", "note")).build());
        List<String> plain = pinned.chatAll(convs, sampling);
        ObjectMapper json = new ObjectMapper();
        String before = json.readTree(plain.get(0)).get("intent").asText();
        String pin = before.equals("request_money") ? "top_up" : "request_money";
        pinned.optPromptAugmentation(new PinFor("tf ke budi 50rb", "intent", pin));
        List<String> answers = pinned.chatAll(convs, sampling);
        JsonNode first = json.readTree(answers.get(0));
        assertEquals(pin, first.get("intent").asText(), answers.get(0));
        assertEquals(List.of(), objective.schemaErrors(first), answers.get(0));
        assertEquals(plain.get(1), answers.get(1), "a conversation without pins answers as before");
        assertEquals(answers.get(0), pinned.chat(convs.get(0), sampling), "alone as in a batch");
        // without a decoding constraint there is nothing to pin: the free answer is the plain model's
        pinned.optDecodingConstraint(null);
        assertEquals(chat.chat(convs.get(0), sampling), pinned.chat(convs.get(0), sampling));
    }

    static boolean isJsonObject(String text) {
        try {
            return new ObjectMapper().readTree(text).isObject();
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
