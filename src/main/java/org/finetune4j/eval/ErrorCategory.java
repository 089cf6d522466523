package org.finetune4j.eval;

/**
 * The single worst thing wrong with an answer, checked in this order; the first that applies wins.
 */
public enum ErrorCategory {
    /** No JSON value could be parsed (prose, trailing garbage, single quotes, NaN, …). */
    NOT_JSON,
    /** The parser ran out of input inside the value: generation stopped (max tokens) mid-object. */
    TRUNCATED,
    /** Parsed, but fails the objective's JSON Schema; see {@link AnswerScore#violations()} for the kinds. */
    SCHEMA_INVALID,
    /** Schema-valid, but at least one field differs from the gold answer (or an extra field is present). */
    WRONG_VALUE,
    /** Schema-valid and equal to the gold answer. */
    CORRECT
}
