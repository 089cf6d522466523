package org.finetune4j.eval;

/**
 * Whether an absent key and an explicit {@code null} are the same answer.
 *
 * <p>The default is {@link #MISSING_IS_WRONG}: for schemas where every field is required (the usual
 * fine-tuning target), leaving a key out is a formatting error in its own right and must not be rewarded as
 * "correctly null". Use {@link #MISSING_EQUALS_NULL} for schemas with optional keys where {@code null} and
 * "absent" mean the same thing.
 */
public enum MissingFieldPolicy {
    /** A gold path absent from the prediction is wrong, even when the gold value is {@code null}. */
    MISSING_IS_WRONG,
    /**
     * A gold {@code null} absent from the prediction counts as a correct predicted {@code null}, and a predicted
     * {@code null} at a path the gold lacks is ignored (no extra predicted pair). Schema validity is unaffected.
     */
    MISSING_EQUALS_NULL
}
