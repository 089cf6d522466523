package org.finetune4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonObjectiveTest {

    private static final String GOLD =
            "{\"intent\":\"transfer\",\"amount\":25,\"recipient\":\"Budi\",\"date\":\"2024-05-01\"}";

    private final JsonObjective strict = PaymentFixtures.objective();

    @Test
    void correctAnswerIgnoresKeyOrderAndNumberSpellingAndWhitespace() {
        AnswerScore s = strict.score(
                "\n {\"date\":\"2024-05-01\",\"recipient\":\" Budi\",\"amount\":25.00,\"intent\":\"transfer\"} ", GOLD);
        assertTrue(s.validJson());
        assertTrue(s.schemaValid());
        assertTrue(s.exactMatch());
        assertEquals(ErrorCategory.CORRECT, s.category());
        assertEquals(4, s.correctPairs());
        assertEquals(4, s.goldPairs());
        assertEquals(4, s.predictedPairs());
    }

    @Test
    void numbersCompareNumerically() {
        String gold = "{\"intent\":\"transfer\",\"amount\":40,\"recipient\":null,\"date\":null}";
        assertTrue(strict.score("{\"intent\":\"transfer\",\"amount\":40.0,\"recipient\":null,\"date\":null}", gold)
                .exactMatch());
        assertTrue(strict.score("{\"intent\":\"transfer\",\"amount\":4e1,\"recipient\":null,\"date\":null}", gold)
                .exactMatch());
        AnswerScore off = strict.score("{\"intent\":\"transfer\",\"amount\":40.01,\"recipient\":null,\"date\":null}",
                gold);
        assertFalse(off.exactMatch());
        assertEquals(Map.of("intent", true, "amount", false, "recipient", true, "date", true), off.fieldCorrect());
        assertEquals(ErrorCategory.WRONG_VALUE, off.category());
    }

    @Test
    void stringsCompareAfterNfc() {
        String gold = "{\"intent\":\"transfer\",\"amount\":1,\"recipient\":\"Jos\u00e9\",\"date\":null}";
        // "e" + combining acute accent: a different code point sequence, the same NFC string
        AnswerScore s = strict.score("{\"intent\":\"transfer\",\"amount\":1,\"recipient\":\"Jose\u0301\",\"date\":null}",
                gold);
        assertTrue(s.exactMatch());
        assertFalse(strict.score("{\"intent\":\"transfer\",\"amount\":1,\"recipient\":\"jos\u00e9\",\"date\":null}",
                gold).exactMatch(), "case matters by default");
    }

    @Test
    void truncatedAnswer() {
        AnswerScore s = strict.score("{\"intent\":\"transfer\",\"amount\":25", GOLD);
        assertEquals(ErrorCategory.TRUNCATED, s.category());
        assertFalse(s.validJson());
        assertFalse(s.schemaValid());
        assertEquals(0, s.predictedPairs());
        assertEquals(4, s.goldPairs());
        assertEquals(0, s.correctPairs());
    }

    @Test
    void trailingGarbageIsNotJsonUnderStrictButAcceptedUnderLenient() {
        String completion = GOLD + " Hope this helps!";
        AnswerScore s = strict.score(completion, GOLD);
        assertEquals(ErrorCategory.NOT_JSON, s.category());
        assertTrue(s.parseError().contains("trailing"), s.parseError());

        JsonObjective lenient = JsonObjective.builder().setSchema(PaymentFixtures.schemaPath())
                .optExtraction(JsonExtraction.LENIENT).build();
        assertEquals(ErrorCategory.CORRECT, lenient.score(completion, GOLD).category());
    }

    @Test
    void lenientExtractsFencedAnswer() {
        String fenced = "Here is the JSON:\n```json\n" + GOLD + "\n```";
        JsonObjective lenient = JsonObjective.builder().setSchema(PaymentFixtures.schemaPath())
                .optExtraction(JsonExtraction.LENIENT).build();
        assertEquals(ErrorCategory.CORRECT, lenient.score(fenced, GOLD).category());
        assertEquals(ErrorCategory.NOT_JSON, strict.score(fenced, GOLD).category());
    }

    @Test
    void wrongTypeIsSchemaInvalid() {
        AnswerScore s = strict.score(
                "{\"intent\":\"transfer\",\"amount\":\"25\",\"recipient\":\"Budi\",\"date\":\"2024-05-01\"}", GOLD);
        assertEquals(ErrorCategory.SCHEMA_INVALID, s.category());
        assertEquals(Set.of(SchemaViolation.WRONG_TYPE), s.violations());
        assertEquals(1, s.schemaErrors().size());
        assertTrue(s.schemaErrors().get(0).contains("amount"), s.schemaErrors().toString());
        assertFalse(s.fieldCorrect().get("amount"), "a string never equals a number");
        assertEquals(3, s.correctPairs());
    }

    @Test
    void extraFieldIsSchemaInvalidAndAnExtraPredictedPair() {
        AnswerScore s = strict.score("{\"intent\":\"transfer\",\"amount\":25,\"recipient\":\"Budi\","
                + "\"date\":\"2024-05-01\",\"currency\":\"IDR\"}", GOLD);
        assertEquals(ErrorCategory.SCHEMA_INVALID, s.category());
        assertEquals(Set.of(SchemaViolation.EXTRA_FIELD), s.violations());
        assertEquals(4, s.correctPairs());
        assertEquals(5, s.predictedPairs());
        assertFalse(s.exactMatch());
    }

    @Test
    void missingFieldIsSchemaInvalidAndWrongByDefault() {
        String gold = "{\"intent\":\"balance\",\"amount\":null,\"recipient\":null,\"date\":null}";
        AnswerScore s = strict.score("{\"intent\":\"balance\",\"amount\":null,\"recipient\":null}", gold);
        assertEquals(ErrorCategory.SCHEMA_INVALID, s.category());
        assertEquals(Set.of(SchemaViolation.MISSING_FIELD), s.violations());
        assertFalse(s.fieldCorrect().get("date"));
        assertEquals(3, s.predictedPairs());
    }

    @Test
    void wrongEnumValue() {
        AnswerScore s = strict.score(
                "{\"intent\":\"transfers\",\"amount\":25,\"recipient\":\"Budi\",\"date\":\"2024-05-01\"}", GOLD);
        assertEquals(ErrorCategory.SCHEMA_INVALID, s.category());
        assertEquals(Set.of(SchemaViolation.ENUM_VIOLATION), s.violations());
    }

    @Test
    void patternFailureIsAnOtherConstraint() {
        AnswerScore s = strict.score(
                "{\"intent\":\"transfer\",\"amount\":25,\"recipient\":\"Budi\",\"date\":\"01/05/2024\"}", GOLD);
        assertEquals(Set.of(SchemaViolation.OTHER_CONSTRAINT), s.violations());
        assertEquals(ErrorCategory.SCHEMA_INVALID, s.category());
    }

    @Test
    void missingEqualsNullPolicyOnASchemaWithOptionalKeys() {
        String schema = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},"
                + "\"b\":{\"type\":[\"string\",\"null\"]}}}";
        String gold = "{\"a\":1,\"b\":null}";
        JsonObjective wrong = JsonObjective.builder().setSchema(schema).build();
        JsonObjective equal = JsonObjective.builder().setSchema(schema)
                .optMissingFieldPolicy(MissingFieldPolicy.MISSING_EQUALS_NULL).build();

        AnswerScore w = wrong.score("{\"a\":1}", gold);
        assertEquals(ErrorCategory.WRONG_VALUE, w.category());
        assertEquals(1, w.correctPairs());
        assertEquals(1, w.predictedPairs());

        AnswerScore e = equal.score("{\"a\":1}", gold);
        assertEquals(ErrorCategory.CORRECT, e.category());
        assertEquals(2, e.correctPairs());
        assertEquals(2, e.predictedPairs());

        // a predicted null the gold lacks is no extra pair under the policy, but is one without it
        assertTrue(equal.score("{\"a\":1,\"b\":null,\"c\":null}", gold).exactMatch());
        assertFalse(wrong.score("{\"a\":1,\"b\":null,\"c\":null}", gold).exactMatch());
    }

    @Test
    void fieldComparatorLoosensOneField() {
        JsonObjective tolerant = JsonObjective.builder().setSchema(PaymentFixtures.schemaPath())
                .optFieldComparator("amount", FieldComparator.numericTolerance(0.01))
                .optFieldComparator("recipient", FieldComparator.caseInsensitive())
                .build();
        String completion = "{\"intent\":\"transfer\",\"amount\":25.004,\"recipient\":\"BUDI\",\"date\":\"2024-05-01\"}";
        assertEquals(ErrorCategory.CORRECT, tolerant.score(completion, GOLD).category());
        assertEquals(Map.of("intent", true, "amount", false, "recipient", false, "date", true),
                strict.score(completion, GOLD).fieldCorrect());
    }

    @Test
    void nestedArraysScorePerPath() {
        JsonObjective any = JsonObjective.builder().setSchema("{\"type\":\"object\"}").build();
        AnswerScore s = any.score("{\"items\":[{\"price\":1.0},{\"price\":3}],\"total\":4}",
                "{\"items\":[{\"price\":1},{\"price\":2}],\"total\":3}");
        assertEquals(Map.of("items[0].price", true, "items[1].price", false, "total", false), s.fieldCorrect());
        assertEquals("items[].price", s.goldFields().get("items[1].price").field());
    }

    @Test
    void missingSchemaFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.schema.json");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JsonObjective.builder().setSchema(missing).build());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void malformedSchemaFileIsNamed(@TempDir Path dir) throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.schema.json"), "{\"type\": \"object\",");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JsonObjective.builder().setSchema(bad).build());
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("not valid JSON"),
                e.getMessage());

        Path wrong = Files.writeString(dir.resolve("wrong.schema.json"), "{\"type\": 5}");
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> JsonObjective.builder().setSchema(wrong).build());
        assertTrue(e2.getMessage().contains(wrong.toString()) && e2.getMessage().contains("2020-12"),
                e2.getMessage());
    }

    @Test
    void goldThatFailsTheSchemaIsADataError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> strict.parseGold("{\"intent\":\"refund\",\"amount\":1,\"recipient\":null,\"date\":null}", "x:3"));
        assertTrue(e.getMessage().startsWith("x:3: gold answer does not satisfy the schema"), e.getMessage());
    }
}
