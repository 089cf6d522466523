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

    /** Per-layer key/value tensors placed before every sequence (prefix tuning). */
    public interface PrefixKv {
        /** Number of virtual tokens N. */
        int length();

        /** {@code [keys, values]}, each (B, H_kv, N, d), for layer {@code layer} at batch size {@code batch}. */
        NDArray[] keysValues(int layer, int batch, ai.djl.ndarray.NDManager step);
    }
}
