package org.finetune4j.rag;

/**
 * One search hit.
 *
 * @param index   the example's position in the list the retriever was built from
 * @param example the example
 * @param score   its BM25 score for the query (higher is more similar; only comparable within one query)
 */
public record RetrievedExample(int index, SolvedExample example, float score) {}
