/**
 * What a model's prompts are given besides the user's words, the same way in training and in use. Fine-tuning
 * combined with retrieval, as the guide recommends: an {@link org.finetune4j.rag.ExampleRetriever} finds the training
 * examples most similar to a message (BM25 over words and character trigrams, with Lucene), an
 * {@link org.finetune4j.rag.ExamplePrompt} writes them into the system prompt, and
 * {@link org.finetune4j.rag.RetrievalAugmentation} does both the same way for the training conversations and for
 * every message the fine-tuned model answers ({@link org.finetune4j.rag.RetrievalAugmentedChat}). And prompt tools
 * ({@link org.finetune4j.rag.PromptTool}, {@link org.finetune4j.rag.PromptTools}): deterministic rewrites that state
 * what a calculation gives (a resolved date, a normalised amount) before retrieval. Both are saved beside the model
 * and applied again on loading ({@link org.finetune4j.rag.SavedPrompting}).
 */
package org.finetune4j.rag;
