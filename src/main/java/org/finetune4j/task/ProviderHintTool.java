package org.finetune4j.task;

import org.finetune4j.rag.NamedPromptTool;

/**
 * {@link ProviderHints} as a prompt tool named {@value #NAME}: the biller, wallet or operator the user's message
 * names, in the catalogue's spelling, on a line of the system message. Registered for
 * {@link java.util.ServiceLoader}.
 */
public final class ProviderHintTool extends NamedPromptTool {
    /** The tool's saved name. */
    public static final String NAME = "provider_hint";

    public ProviderHintTool() {
        super(NAME, ProviderHints::withHint);
    }
}
