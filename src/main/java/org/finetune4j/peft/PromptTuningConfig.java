package org.finetune4j.peft;

/**
 * Prompt tuning: {@code numVirtualTokens} trainable embeddings prepended to every input.
 *
 * @param numVirtualTokens N
 * @param init             how the embeddings start
 * @param initText         the text for {@link PromptInit#TEXT}, else null
 */
public record PromptTuningConfig(int numVirtualTokens, PromptInit init, String initText) implements TechniqueConfig {
    public PromptTuningConfig {
        if (numVirtualTokens <= 0) {
            throw new IllegalArgumentException("num_virtual_tokens must be positive, got " + numVirtualTokens);
        }
        if (init == PromptInit.TEXT && (initText == null || initText.isBlank())) {
            throw new IllegalArgumentException("prompt_tuning_init TEXT needs prompt_tuning_init_text");
        }
    }

    @Override
    public TechniqueType type() {
        return TechniqueType.PROMPT_TUNING;
    }
}
