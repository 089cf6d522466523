package org.finetune4j.model;

import ai.djl.ndarray.NDArray;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.model.llama.ForwardInput;

/**
 * A causal language model as generation and training see it: a base model, or a base model with a
 * parameter-efficient technique applied (which may add virtual tokens or prefix keys to the forward).
 */
public interface CausalLM {

    LlamaConfig config();

    /** The long-lived manager, device policy and constants of the model. */
    ModelResources resources();

    /**
     * Logits (B, T, V) for the real tokens of {@code in} — or (B, 1, V) with {@code lastPositionOnly}, or (K, V) at
     * the K positions of {@code logitRows}.
     */
    NDArray forward(ForwardInput in);

    /**
     * KV-cache positions the model adds in front of the caller's tokens (prompt tuning's virtual tokens);
     * a generator sizes its cache with this. The caller keeps addressing only its own tokens.
     */
    default int extraCachePositions() {
        return 0;
    }
}
