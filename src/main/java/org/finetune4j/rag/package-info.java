/**
 * Fine-tuning combined with retrieval, as the guide recommends: an {@link org.finetune4j.rag.ExampleRetriever}
 * finds the training examples most similar to a message (BM25 over words and character trigrams, with Lucene), an
 * {@link org.finetune4j.rag.ExamplePrompt} writes them into the system prompt, and
 * {@link org.finetune4j.rag.RetrievalAugmentation} does both the same way for the training conversations and for
 * every message the fine-tuned model answers ({@link org.finetune4j.rag.RetrievalAugmentedChat}).
 */
package org.finetune4j.rag;
