package org.finetune4j.model.llama;

import ai.djl.ndarray.NDArray;

/**
 * Per-forward inputs every decoder layer shares.
 *
 * @param cos   (B, 1, T, d) rotary cosines for the query positions
 * @param sin   (B, 1, T, d) rotary sines
 * @param mask  (B, 1, T, Tk) additive mask (0 = visible, very negative = hidden), Tk = past + prefix + T
 * @param cache the KV cache to read and extend, or null
 * @param prefix learned prefix keys/values per layer (prefix tuning), or null
 */
public record AttentionContext(NDArray cos, NDArray sin, NDArray mask, KvCache cache, PrefixKv prefix) {

    /**
     * The same tables and mask with another source of prefix keys/values of the same length (activation
     * checkpointing recomputes a layer over a prefix table that collects the layer's gradient).
     */
    public AttentionContext withPrefix(PrefixKv other) {
        if ((prefix == null) != (other == null) || (other != null && other.length() != prefix.length())) {
            throw new IllegalArgumentException("the mask was built for " + (prefix == null ? 0 : prefix.length())
                    + " prefix positions, not " + (other == null ? 0 : other.length()));
        }
        return new AttentionContext(cos, sin, mask, cache, other);
    }

    /** Per-layer key/value tensors placed before every sequence (prefix tuning). */
    public interface PrefixKv {
        /** Number of virtual tokens N. */
        int length();

        /** {@code [keys, values]}, each (B, H_kv, N, d), for layer {@code layer} at batch size {@code batch}. */
        NDArray[] keysValues(int layer, int batch, ai.djl.ndarray.NDManager step);
    }
}
