package org.finetune4j.task;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Language of a user message: Indonesian, English, or a mix of both (code-switching). */
public enum Language {
    ID,
    EN,
    MIX;

    /** {@code "id"}, {@code "en"} or {@code "mix"}, as written in the {@code meta.language} field. */
    @JsonValue
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The language replies are written in: English for {@link #EN}, Indonesian otherwise. */
    public boolean repliesInEnglish() {
        return this == EN;
    }
}
