package org.finetune4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvalMetricsTest {

    private final JsonObjective any = JsonObjective.builder().setSchema("{\"type\":\"object\"}").build();

    @Test
    void fieldCountsAddUpWhenAFieldIsExtraBeforeItIsGold() {
        EvalMetrics m = EvalMetrics.of(List.of(
                any.score("{\"a\":1,\"x\":2,\"z\":0}", "{\"a\":1}"),       // x and z are extra here
                any.score("{\"a\":1,\"x\":3}", "{\"a\":1,\"x\":2}")));    // x is gold here, wrong
        assertEquals(List.of("a", "x", "z"), List.copyOf(m.perField().keySet()), "gold fields first, then extras");
        assertEquals(new FieldStats("a", 2, 2, 2), m.perField().get("a"));
        assertEquals(new FieldStats("x", 1, 2, 0), m.perField().get("x"));
        assertEquals(new FieldStats("z", 0, 1, 0), m.perField().get("z"));
        assertEquals(3, m.goldPairs());
        assertEquals(5, m.predictedPairs());
        assertEquals(2, m.correctPairs());
        // macro-F1 over gold field names only: a → 1, x → 0
        assertEquals(0.5, m.macroF1(), 1e-12);
        int summed = m.perField().values().stream().mapToInt(FieldStats::predicted).sum();
        assertEquals(m.predictedPairs(), summed);
    }

    @Test
    void emptyAndAllInvalidSetsReportZeroNotNaN() {
        EvalMetrics empty = EvalMetrics.of(List.of());
        assertEquals(0.0, empty.validJsonRate());
        assertEquals(0.0, empty.microF1());
        assertEquals(0.0, empty.macroF1());
        EvalMetrics invalid = EvalMetrics.of(List.of(any.score("nope", "{\"a\":1}")));
        assertEquals(0.0, invalid.microPrecision(), "no predicted pairs: precision reported as 0");
        assertEquals(0.0, invalid.microRecall());
        assertEquals(1, invalid.categories().get(ErrorCategory.NOT_JSON));
    }
}
