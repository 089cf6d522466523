package org.finetune4j.bench;

import org.finetune4j.config.LlamaConfig;

/**
 * Analytic FLOPs of the Llama forward pass (a multiply-add counts 2): every projection and the LM head,
 * plus the two attention products ({@code QKᵀ} and {@code P·V}) over the full T×T score matrix, which is
 * what the eager implementation computes.
 */
public final class FlopCounter {
    private FlopCounter() {}

    /** Weights that take part in matmuls per token, excluding the embedding lookup. */
    public static long matmulParameters(LlamaConfig c) {
        long d = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long layer = d * q + 2 * d * kv + q * d + 3 * d * c.intermediateSize();
        return c.numHiddenLayers() * layer + (long) c.vocabSize() * d;
    }

    /** Forward FLOPs of a (B, T) batch without cache. */
    public static double forward(LlamaConfig c, int batch, int seq) {
        double tokens = (double) batch * seq;
        double attention = 4.0 * c.numHiddenLayers() * seq * (double) c.numAttentionHeads() * c.headDim();
        return tokens * (2.0 * matmulParameters(c) + attention);
    }

    /** One decode step per row with {@code past} cached tokens. */
    public static double decodeStep(LlamaConfig c, int batch, int past) {
        double attention = 4.0 * c.numHiddenLayers() * (past + 1) * (double) c.numAttentionHeads() * c.headDim();
        return batch * (2.0 * matmulParameters(c) + attention);
    }

    /**
     * A training step: forward, plus backward to the activations (≈ one forward), plus weight gradients
     * (≈ one forward over the trained weights: all of them for full fine-tuning; the small adapter
     * matrices, {@code extraParameters}, for LoRA).
     */
    public static double trainStep(LlamaConfig c, int batch, int seq, boolean fullFineTuning, long extraParameters) {
        double f = forward(c, batch, seq);
        double adapters = 6.0 * batch * seq * extraParameters; // forward + 2 backward products per adapter weight
        return fullFineTuning ? 3 * f : 2 * f + adapters;
    }
}
