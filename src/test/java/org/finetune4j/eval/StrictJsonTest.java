package org.finetune4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrictJsonTest {

    private static StrictJson.Failed failed(String text) {
        return assertInstanceOf(StrictJson.Failed.class, StrictJson.parse(text), text);
    }

    @Test
    void parsesOneValue() {
        StrictJson.Parsed p = assertInstanceOf(StrictJson.Parsed.class, StrictJson.parse("{\"a\": [1, 2.5, null]}"));
        assertEquals(new java.math.BigDecimal("2.5"), p.value().get("a").get(1).decimalValue());
        assertTrue(p.value().get("a").get(1).isBigDecimal(), "floats are read exactly as BigDecimal");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"intent\":\"transfer\",\"amount\":25",
        "{\"intent\":\"transfer\",\"recipient\":\"Bu",
        "[1, 2,",
        "{\"a\":"})
    void endOfInputInsideTheValueIsTruncation(String text) {
        assertTrue(failed(text).truncated(), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"a\":1} thanks!",
        "{\"a\":1} {\"b\":2}",
        "{\"a\":1} tru",
        "{'a':1}",
        "{\"a\":NaN}",
        "{\"a\":1 /* c */}",
        "// c\n{\"a\":1}",
        "{\"a\":1,\"a\":2}",
        "{a:1}",
        "{\"a\":1,}",
        "{\"a\":01}",
        "Sure, here it is",
        "nope",
        "{\"a\":1} ]",
        "",
        "   "})
    void leniencesAndGarbageAreNotJsonAndNotTruncation(String text) {
        StrictJson.Failed f = failed(text);
        assertFalse(f.truncated(), text + " -> " + f.message());
    }

    @Test
    void scalarsAndArraysAreValues() {
        assertInstanceOf(StrictJson.Parsed.class, StrictJson.parse("40"));
        assertInstanceOf(StrictJson.Parsed.class, StrictJson.parse("[]"));
    }
}
