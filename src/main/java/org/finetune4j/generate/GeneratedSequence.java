package org.finetune4j.generate;

/**
 * The new tokens of one prompt (stop token excluded) and why generation ended.
 *
 * @param tokens new token ids
 * @param reason why it stopped
 * @param text   decoded text cut before any stop string, or null when no detokenizer was given
 */
public record GeneratedSequence(long[] tokens, FinishReason reason, String text) {}
