/**
 * Chat fine-tuning data: JSON Lines datasets (OpenAI {@code messages}, ShareGPT, Alpaca) read into
 * {@link org.finetune4j.data.Conversation}s, rendered with the model's chat template and masked so that
 * only assistant answers and their end-of-turn marker are learned ({@link org.finetune4j.data.LabelMasker}),
 * optionally packed several per row ({@link org.finetune4j.data.Packer}), and served as right-padded
 * micro-batches in a seeded per-epoch order ({@link org.finetune4j.data.PaddedBatchSource}).
 * {@link org.finetune4j.data.SftDataBuilder} runs the whole chain in one call.
 */
package org.finetune4j.data;
