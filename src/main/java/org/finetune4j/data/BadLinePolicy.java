package org.finetune4j.data;

/** What a reader does with a line that is not a valid training example. */
public enum BadLinePolicy {
    /** Stop with a {@link DatasetException} whose message starts with {@code file:line:}. */
    FAIL,
    /** Leave the line out and count it in the {@link ReadReport}. */
    SKIP
}
