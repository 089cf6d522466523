package org.finetune4j.peft;

/** Initialisation of prompt-tuning embeddings (PEFT's {@code prompt_tuning_init}). */
public enum PromptInit {
    /** Random normal values. */
    RANDOM,
    /** Embeddings of a tokenised text, repeated or cut to the number of virtual tokens. */
    TEXT,
    /** Embeddings of randomly sampled vocabulary tokens. */
    SAMPLE_VOCAB
}
