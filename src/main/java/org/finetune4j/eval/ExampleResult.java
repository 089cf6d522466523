package org.finetune4j.eval;

import java.util.Objects;

/**
 * One scored example.
 *
 * @param example    the example
 * @param completion the model's raw completion
 * @param score      how it scored
 */
public record ExampleResult(EvalExample example, String completion, AnswerScore score) {
    public ExampleResult {
        Objects.requireNonNull(example, "example");
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(score, "score");
    }
}
