package org.finetune4j.task;

import org.finetune4j.rag.NamedPromptTool;

/**
 * {@link DateHints} as a prompt tool named {@value #NAME}: the date the user's message names, resolved against the
 * system prompt's reference date, on a line of the system message. Registered for {@link java.util.ServiceLoader},
 * so a model saved with it ({@code prompt_tools.json}) is prompted with it again.
 */
public final class DateHintTool extends NamedPromptTool {
    /** The tool's saved name. */
    public static final String NAME = "date_hint";

    public DateHintTool() {
        super(NAME, DateHints::withHint);
    }
}
