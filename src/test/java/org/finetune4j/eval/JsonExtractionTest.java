package org.finetune4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonExtractionTest {

    @Test
    void strictOnlyTrims() {
        assertEquals("{\"a\":1} x", JsonExtraction.STRICT.candidate("  {\"a\":1} x\n"));
        assertEquals("```json\n{}\n```", JsonExtraction.STRICT.candidate("```json\n{}\n```"));
    }

    @Test
    void lenientStripsFenceAndTakesFirstBalancedObject() {
        String completion = "Sure! Here it is:\n```json\n{\"a\": {\"b\": 1}}\n```\nAnything else? {\"c\":2}";
        assertEquals("{\"a\": {\"b\": 1}}", JsonExtraction.LENIENT.candidate(completion));
    }

    @Test
    void lenientIgnoresBracesInsideStrings() {
        String completion = "answer: {\"note\": \"a } and a \\\" and {\", \"n\": 1} trailing }";
        assertEquals("{\"note\": \"a } and a \\\" and {\", \"n\": 1}", JsonExtraction.LENIENT.candidate(completion));
    }

    @Test
    void lenientKeepsAnUnclosedObjectSoItReadsAsTruncated() {
        String completion = "```json\n{\"intent\":\"transfer\",\"amount\":25";
        String candidate = JsonExtraction.LENIENT.candidate(completion);
        assertEquals("{\"intent\":\"transfer\",\"amount\":25", candidate);
        assertEquals(true, ((StrictJson.Failed) StrictJson.parse(candidate)).truncated());
    }

    @Test
    void lenientFenceWithoutLanguageAndTextWithoutObject() {
        assertEquals("{\"x\":1}", JsonExtraction.LENIENT.candidate("```\n{\"x\":1}\n```"));
        assertEquals("no json here", JsonExtraction.LENIENT.candidate("  no json here "));
    }
}
