package org.finetune4j.eval;

import java.util.function.ToDoubleFunction;

/** The headline numbers of an {@link EvalMetrics}, in the order summary and comparison tables list them. */
public enum SummaryMetric {
    N("n", m -> m.n()),
    VALID_JSON_RATE("valid_json_rate", EvalMetrics::validJsonRate),
    SCHEMA_VALID_RATE("schema_valid_rate", EvalMetrics::schemaValidRate),
    EXACT_MATCH_RATE("exact_match_rate", EvalMetrics::exactMatchRate),
    FIELD_ACCURACY("field_accuracy", EvalMetrics::fieldAccuracy),
    MICRO_PRECISION("micro_precision", EvalMetrics::microPrecision),
    MICRO_RECALL("micro_recall", EvalMetrics::microRecall),
    MICRO_F1("micro_f1", EvalMetrics::microF1),
    MACRO_F1("macro_f1", EvalMetrics::macroF1),
    TRUNCATED_RATE("truncated_rate", m -> m.categoryRate(ErrorCategory.TRUNCATED)),
    MISSING_FIELD_RATE("missing_field_rate", m -> m.violationRate(SchemaViolation.MISSING_FIELD)),
    EXTRA_FIELD_RATE("extra_field_rate", m -> m.violationRate(SchemaViolation.EXTRA_FIELD)),
    WRONG_TYPE_RATE("wrong_type_rate", m -> m.violationRate(SchemaViolation.WRONG_TYPE)),
    ENUM_VIOLATION_RATE("enum_violation_rate", m -> m.violationRate(SchemaViolation.ENUM_VIOLATION));

    private final String key;
    private final ToDoubleFunction<EvalMetrics> value;

    SummaryMetric(String key, ToDoubleFunction<EvalMetrics> value) {
        this.key = key;
        this.value = value;
    }

    /** The snake_case name used in tables and the JSON report. */
    public String key() {
        return key;
    }

    /** This metric's value in {@code metrics}. */
    public double of(EvalMetrics metrics) {
        return value.applyAsDouble(metrics);
    }
}
