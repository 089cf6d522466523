package org.finetune4j.task;

import org.finetune4j.rag.NamedPromptTool;

/**
 * {@link AmountHints} as a prompt tool named {@value #NAME}: the amount and currency the user's message names,
 * normalised, on a line of the system message. Registered for {@link java.util.ServiceLoader}.
 */
public final class AmountHintTool extends NamedPromptTool {
    /** The tool's saved name. */
    public static final String NAME = "amount_hint";

    public AmountHintTool() {
        super(NAME, AmountHints::withHint);
    }
}
