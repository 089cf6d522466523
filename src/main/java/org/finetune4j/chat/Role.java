package org.finetune4j.chat;

import java.util.Locale;

/** Speaker of a chat turn, as chat templates and OpenAI-style datasets name it. */
public enum Role {
    SYSTEM,
    USER,
    ASSISTANT,
    TOOL;

    /** The lower-case name that chat templates compare against ({@code "assistant"}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code "user"}, {@code "assistant"}, … (case-insensitive); the error lists the valid roles. */
    public static Role parse(String s) {
        if (s != null) {
            for (Role r : values()) {
                if (r.wireName().equalsIgnoreCase(s.trim())) {
                    return r;
                }
            }
        }
        throw new IllegalArgumentException("unknown chat role '" + s + "'; expected one of system, user, assistant, tool");
    }
}
