package org.finetune4j.task;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Which part of the task data a sample belongs to. */
public enum Split {
    TRAIN,
    VALIDATION,
    /** Held out: message templates and recipients never used by {@link #TRAIN} or {@link #VALIDATION}. */
    TEST,
    /** The hand-written {@code examples.jsonl}. */
    EXAMPLES;

    /** {@code "train"}, {@code "validation"}, … as written in {@code meta.split} and file names. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
