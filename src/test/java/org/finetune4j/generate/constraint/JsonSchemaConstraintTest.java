package org.finetune4j.generate.constraint;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.chat.Role;
import org.finetune4j.eval.JsonObjective;
import org.finetune4j.tokenizer.HfTokenizer;
import org.junit.jupiter.api.Test;

class JsonSchemaConstraintTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path TASK = Path.of("data/task");
    static final Set<String> COPIED = Set.of("recipient", "provider", "note");
    /** Id 0 is the stop token (no text); then every printable ASCII character; then longer pieces. */
    static final List<String> PIECES = pieces();
    static final TokenTexts VOCAB = new TokenTexts(PIECES.toArray(String[]::new));
    static final Set<Long> STOP = Set.of(0L);

    static List<String> pieces() {
        List<String> p = new ArrayList<>();
        p.add(null);
        for (char c = 32; c < 127; c++) {
            p.add(String.valueOf(c));
        }
        p.addAll(List.of("{\"", "\":", "\":\"", "null", ",\"", "\"}", "\",\"", "null,\"", "intent", "transfer",
                "pay_bill", "unknown", "amount", "currency", "recipient", "provider", "note", "date", "00", "000",
                "250", ".5", "IDR", "USD", "budi", " Budi", "Budi", "di", "PLN", "pln", "2024-", "12-", "-0", "\\\"", "\\n",
                "\\u00e9", "ke", " ke", "makan", " siang", "\"}\n", "}"));
        return p;
    }

    /** The payments schema: every keyword it uses is one the grammar follows. */
    static JsonNode fieldSchema() throws IOException {
        return JSON.readTree(TASK.resolve("schema.json").toFile());
    }

    static List<ChatMessage> ask(String message) {
        return List.of(ChatMessage.system("Answer in JSON."), ChatMessage.user(message));
    }

    static int id(String piece) {
        return PIECES.indexOf(piece);
    }

    /** Scores of 0 for every token, masked by {@code c} where it is now. */
    static float[] masked(TokenConstraint c) {
        float[] scores = new float[VOCAB.size()];
        c.mask(scores, STOP);
        return scores;
    }

    /** Feeds {@code text} one character at a time; fails when a character is masked. */
    static void feed(TokenConstraint c, String text) {
        for (char ch : text.toCharArray()) {
            int id = id(String.valueOf(ch));
            assertTrue(masked(c)[id] == 0, "'" + ch + "' was masked");
            c.accept(id);
        }
    }

    /** An answer to {@code message} under {@code constraint} with {@code written} already fed ({@link #feed}). */
    static TokenConstraint after(DecodingConstraint constraint, String message, String written) {
        TokenConstraint c = constraint.start(ask(message), VOCAB);
        feed(c, written);
        return c;
    }

    static boolean allowed(TokenConstraint c, String piece) {
        return masked(c)[id(piece)] == 0;
    }

    @Test
    void randomScoresStillGiveSchemaValidAnswersWhoseCopiedFieldsAreCopied() throws IOException {
        JsonNode schema = fieldSchema();
        JsonObjective objective = JsonObjective.builder().setSchema(schema.toString()).build();
        JsonSchemaConstraint constraint = JsonSchemaConstraint.builder().setSchema(schema).optCopiedFields(COPIED)
                .build();
        String message = "tf ke Budi Santoso 250rb via PLN-Mobile buat makan siang";
        for (int seed = 0; seed < 200; seed++) {
            Random random = new Random(seed);
            TokenConstraint c = constraint.start(ask(message), VOCAB);
            StringBuilder text = new StringBuilder();
            boolean stopped = false;
            for (int step = 0; step < 2000 && !stopped; step++) {
                float[] scores = new float[VOCAB.size()];
                for (int i = 0; i < scores.length; i++) {
                    scores[i] = (float) random.nextGaussian();
                }
                c.mask(scores, STOP);
                int best = 0;
                for (int i = 1; i < scores.length; i++) {
                    if (scores[i] > scores[best]) {
                        best = i;
                    }
                }
                if (best == 0) {
                    stopped = true;
                } else {
                    c.accept(best);
                    text.append(VOCAB.text(best));
                }
            }
            assertTrue(stopped, "seed " + seed + ": no stop after " + text);
            String answerText = text.toString();
            JsonNode answer = assertDoesNotThrow(() -> JSON.readTree(answerText), "seed " + seed + ": " + answerText);
            assertEquals(List.of(), objective.schemaErrors(answer), "seed " + seed + ": " + text);
            List<String> keys = new ArrayList<>();
            answer.fieldNames().forEachRemaining(keys::add);
            assertEquals(List.of("intent", "amount", "currency", "recipient", "provider", "date", "note"), keys);
            for (String field : COPIED) {
                JsonNode v = answer.get(field);
                assertTrue(v.isNull() || CopiedText.isCopied(v.asText(), message),
                        "seed " + seed + ": " + field + " " + v + " is not copied from the message");
            }
            assertFalse(text.toString().contains(" :"), "compact: " + text);
        }
    }

    @Test
    void everyGoldAnswerOfTheTestSplitPassesTokenByTokenWithTheShippedTokenizer() throws IOException {
        JsonSchemaConstraint constraint = JsonSchemaConstraint.builder()
                .setSchema(JSON.readTree(TASK.resolve("schema.json").toFile())).optCopiedFields(COPIED).build();
        try (HfTokenizer tok = HfTokenizer.load(Path.of("data/models/tiny-base"))) {
            TokenTexts texts = TokenTexts.of(tok, tok.vocabSize());
            long stop = tok.tokenId("<|im_end|>").getAsLong();
            int answers = 0;
            for (String line : Files.readAllLines(TASK.resolve("test.jsonl"))) {
                List<ChatMessage> conversation = new ArrayList<>();
                String gold = null;
                for (JsonNode m : JSON.readTree(line).get("messages")) {
                    Role role = Role.valueOf(m.get("role").asText().toUpperCase());
                    if (role == Role.ASSISTANT) {
                        gold = m.get("content").asText();
                    } else {
                        conversation.add(new ChatMessage(role, m.get("content").asText()));
                    }
                }
                TokenConstraint c = constraint.start(conversation, texts);
                long[] ids = tok.encode(gold, false);
                for (int i = 0; i <= ids.length; i++) {
                    float[] scores = new float[tok.vocabSize()];
                    c.mask(scores, Set.of(stop));
                    if (i < ids.length) {
                        assertEquals(0f, scores[(int) ids[i]], "token " + i + " of " + gold + " was masked");
                        assertEquals(Float.NEGATIVE_INFINITY, scores[(int) stop], "stop allowed inside " + gold);
                        c.accept(ids[i]);
                    } else {
                        assertEquals(0f, scores[(int) stop], "stop masked after " + gold);
                        for (int t = 0; t < scores.length; t++) {
                            assertTrue(t == stop || scores[t] == Float.NEGATIVE_INFINITY, "token " + t + " after }");
                        }
                    }
                }
                answers++;
            }
            assertEquals(500, answers);
        }
    }

    @Test
    void enumsAndPatternsLimitWhatComesNext() throws IOException {
        JsonSchemaConstraint constraint = JsonSchemaConstraint.builder().setSchema(fieldSchema()).build();
        TokenConstraint c = constraint.start(ask("cek saldo"), VOCAB);
        assertFalse(allowed(c, " "), "no whitespace outside strings");
        feed(c, "{\"intent\":\"");
        assertTrue(allowed(c, "transfer"));
        assertTrue(allowed(c, "unknown"));
        assertFalse(allowed(c, "x"), "no intent starts with x");
        feed(c, "pay_bill");
        assertFalse(allowed(c, "s"), "pay_bills is not an intent");
        feed(c, "\",\"amount\":");
        assertFalse(allowed(c, "\""), "amount is a number or null");
        assertTrue(allowed(c, "250"));
        feed(c, "12.5,\"currency\":\"");
        assertFalse(allowed(c, "i"), "currency matches ^[A-Z]{3}$");
        feed(c, "IDR");
        assertFalse(allowed(c, "X"), "a fourth letter breaks ^[A-Z]{3}$");
        feed(c, "\",\"recipient\":\"Sari\",\"provider\":null,\"date\":\"2024-1");
        assertFalse(allowed(c, "3"), "month 13");
        assertTrue(allowed(c, "2"));
        feed(c, "2-31\",\"note\":");
        assertFalse(allowed(c, "}"), "note's value first");
        feed(c, "null");
        assertFalse(allowed(c, ","), "no property after the last");
        assertEquals(Float.NEGATIVE_INFINITY, masked(c)[0], "stop only once the object is closed");
        feed(c, "}");
        float[] scores = masked(c);
        assertEquals(0f, scores[0]);
        assertEquals(Float.NEGATIVE_INFINITY, scores[id(" ")], "nothing after the object but a stop");
    }

    @Test
    void aCopiedRecipientKeepsTheSchemasCapitalisationAndASpaceOnlyWhereTheNextWordFits() throws IOException {
        JsonSchemaConstraint constraint = JsonSchemaConstraint.builder().setSchema(fieldSchema())
                .optCopiedFields(COPIED).build();
        String upToRecipient = "{\"intent\":\"transfer\",\"amount\":50000,\"currency\":\"IDR\",\"recipient\":\"";
        TokenConstraint c = after(constraint, "tf ke pak budi sebesar 50rb", upToRecipient);
        assertFalse(allowed(c, "p"), "every word of a name starts with a capital (the schema's pattern)");
        feed(c, "Pak");
        assertTrue(allowed(c, " "), "'budi' can go on as 'Budi'");
        feed(c, " ");
        assertFalse(allowed(c, "b"));
        feed(c, "Budi");
        assertTrue(allowed(c, "\""));
        feed(c, " ");
        assertFalse(allowed(c, "s"), "'sebesar' only as 'Sebesar'");
        assertTrue(allowed(c, "S"));

        // before a number a space would be a dead end (no word there can start with a capital): it is masked
        TokenConstraint d = after(constraint, "tf ke budi 50rb", upToRecipient + "B");
        assertFalse(allowed(d, "U"), "the rest of a name's word is lower case");
        feed(d, "udi");
        assertFalse(allowed(d, " "));
        assertTrue(allowed(d, "\""));

        // an amount's seven digits are no phone number (8 to 15): the copy cannot start there
        TokenConstraint amount = after(constraint, "tf 2.000.000 ke ayah", upToRecipient);
        assertFalse(allowed(amount, "2"));
        assertTrue(allowed(amount, "A"));

        // a phone number is all digits, its separators left out
        TokenConstraint phone = after(constraint, "tf 50rb ke 0812 345 678", upToRecipient + "0812345678");
        assertTrue(allowed(phone, "\""));
    }

    @Test
    void aPinnedEnumFieldCanOnlyTakeItsPinnedValue() throws IOException {
        JsonSchemaConstraint constraint = JsonSchemaConstraint.builder().setSchema(fieldSchema())
                .optCopiedFields(COPIED).build();
        assertSame(constraint, constraint.pinned(Map.of()), "no pins: the constraint itself");
        JsonSchemaConstraint billOnly = constraint.pinned(Map.of("intent", "pay_bill"));
        assertSame(billOnly, constraint.pinned(Map.of("intent", "pay_bill")), "one derived constraint per pin set");
        assertEquals(COPIED, billOnly.copiedFields());
        assertEquals(List.of("pay_bill"), JSON.convertValue(billOnly.schema().at("/properties/intent/enum"),
                List.class));
        assertEquals(8, constraint.schema().at("/properties/intent/enum").size(), "the original is left whole");

        TokenConstraint c = after(billOnly, "bayarin PLN 250rb", "{\"intent\":\"");
        assertTrue(allowed(c, "pay_bill"));
        assertFalse(allowed(c, "transfer"));
        assertFalse(allowed(c, "unknown"));
        assertFalse(allowed(c, "t"), "no other intent's first letter either");
        feed(c, "pay_bill\",\"amount\":250000,\"currency\":\"IDR\",\"recipient\":null,\"provider\":\"PLN\"");
        assertTrue(allowed(c, ","), "the other fields decode as before");
        // an unpinned answer to the same message may still write any intent
        TokenConstraint free = after(constraint, "bayarin PLN 250rb", "{\"intent\":\"");
        assertTrue(allowed(free, "transfer"));

        IllegalArgumentException notListed = assertThrows(IllegalArgumentException.class,
                () -> constraint.pinned(Map.of("intent", "refund")));
        assertTrue(notListed.getMessage().contains("'intent'") && notListed.getMessage().contains("refund"),
                notListed.getMessage());
        assertThrows(IllegalArgumentException.class, () -> constraint.pinned(Map.of("recipient", "Budi")),
                "a free-text field has no enum to narrow");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> constraint.pinned(Map.of("intnet", "transfer")));
        assertTrue(missing.getMessage().contains("'intnet'"), missing.getMessage());
    }

    @Test
    void anEarlierValueDecidesTheTypeOfLaterOnesAsTheSchemasConditionsSay() throws IOException {
        JsonSchemaConstraint constraint = JsonSchemaConstraint.builder().setSchema(fieldSchema()).build();
        assertEquals(2, constraint.grammar().conditions().size());
        TokenConstraint unknown = after(constraint, "halo", "{\"intent\":\"unknown\",\"amount\":");
        assertFalse(allowed(unknown, "250"), "unknown carries no other information");
        feed(unknown, "null,\"currency\":null,\"recipient\":");
        assertFalse(allowed(unknown, "\""));
        assertTrue(allowed(unknown, "null"));

        TokenConstraint noAmount = after(constraint, "cek saldo",
                "{\"intent\":\"check_balance\",\"amount\":null,\"currency\":");
        assertFalse(allowed(noAmount, "\""), "no amount, no currency");
        TokenConstraint amount = after(constraint, "tf 5 USD", "{\"intent\":\"transfer\",\"amount\":5");
        assertTrue(allowed(amount, ","));
        feed(amount, ",\"currency\":");
        assertFalse(allowed(amount, "null"), "an amount has a currency");
        assertTrue(allowed(amount, "\""));

        TokenConstraint zero = after(constraint, "tf 0", "{\"intent\":\"transfer\",\"amount\":0");
        assertFalse(allowed(zero, ","), "exclusiveMinimum 0: not zero");
        assertTrue(allowed(zero, ".5"));
    }

    @Test
    void aTokenSpanningAValueAndTheNextKeyIsCheckedWhole() throws IOException {
        JsonSchemaConstraint constraint = JsonSchemaConstraint.builder().setSchema(fieldSchema()).build();
        TokenConstraint c = after(constraint, "cek saldo", "{\"intent\":\"unknown\",\"amount\":");
        assertTrue(allowed(c, "null,\""), "null then the next key's quote");
        c.accept(id("null,\""));
        assertTrue(allowed(c, "currency"));
        assertFalse(allowed(c, "amount"), "the keys come in the schema's order");
        feed(c, "currency\":");
        assertFalse(allowed(c, "\\u00e9"), "strings are written without \\u escapes");
    }

    @Test
    void copiedFieldsFollowTheirOwnMessageEvenWhenMasksAreShared() throws IOException {
        JsonSchemaConstraint constraint = JsonSchemaConstraint.builder().setSchema(fieldSchema())
                .optCopiedFields(COPIED).build();
        String before = "{\"intent\":\"transfer\",\"amount\":null,\"currency\":null,\"recipient\":\"";
        TokenConstraint budi = constraint.start(ask("tf ke budi"), VOCAB);
        TokenConstraint sari = constraint.start(ask("tf ke Sari"), VOCAB);
        feed(budi, before);
        feed(sari, before);
        assertTrue(allowed(budi, "B") && allowed(budi, "Budi"));
        assertFalse(allowed(budi, "b"), "copied in either case, but the schema's pattern capitalises a name");
        assertFalse(allowed(budi, "S"));
        assertFalse(allowed(budi, "di"), "a copy starts at a word's start");
        assertTrue(allowed(sari, "S") && !allowed(sari, "B"));
        feed(budi, "Bu");
        assertFalse(allowed(budi, "\""), "a copy ends at a word's end: Bu is not a name of the message");
        feed(budi, "di");
        assertTrue(allowed(budi, "\""));
        assertFalse(allowed(budi, " "), "the message ends after budi");
    }

    @Test
    void unsupportedSchemasAreRefusedNamingTheProperty() throws IOException {
        ObjectNode optional = (ObjectNode) fieldSchema();
        ((com.fasterxml.jackson.databind.node.ArrayNode) optional.get("required")).remove(6);
        assertTrue(message(optional, Set.of()).contains("'note' is optional"));

        ObjectNode nested = (ObjectNode) fieldSchema();
        ((ObjectNode) nested.path("properties").path("note")).put("type", "array");
        assertTrue(message(nested, Set.of()).contains("property 'note': type 'array'"));

        assertTrue(message(fieldSchema(), Set.of("sender")).contains("[sender] are not properties"));
        assertTrue(message(fieldSchema(), Set.of("amount")).contains("'amount' is copied from the message but is not"
                + " a string"));

        ObjectNode badPattern = (ObjectNode) fieldSchema();
        ((ObjectNode) badPattern.path("properties").path("date")).put("pattern", "^[0-9");
        assertTrue(message(badPattern, Set.of()).contains("property 'date': pattern ^[0-9 is not a valid"));

        assertTrue(message(JSON.readTree("{\"type\":\"array\"}"), Set.of()).contains("type object"));
    }

    static String message(JsonNode schema, Set<String> copied) {
        return assertThrows(IllegalArgumentException.class,
                () -> JsonSchemaConstraint.builder().setSchema(schema).optCopiedFields(copied).build()).getMessage();
    }

    @Test
    void theGrammarWritesThePropertiesInTheSchemasOrder() throws IOException {
        JsonObjectGrammar g = JsonSchemaConstraint.builder().setSchema(fieldSchema()).build().grammar();
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = fieldSchema().path("properties").fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        assertEquals(names, g.fields().stream().map(JsonField::name).toList());
        assertEquals("{\"intent\":", g.literal(0));
        assertEquals(",\"note\":", g.literal(6));
        assertEquals("}", g.literal(7));
        assertTrue(g.fields().get(5).anchored());
    }
}
