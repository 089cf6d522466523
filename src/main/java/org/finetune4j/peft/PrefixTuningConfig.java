package org.finetune4j.peft;

/**
 * Prefix tuning: trainable keys and values for {@code numVirtualTokens} positions in every layer.
 *
 * @param numVirtualTokens   N
 * @param prefixProjection   learn the prefix through an MLP (reparameterisation) during training
 * @param encoderHiddenSize  hidden width of that MLP (0 = the KV width)
 */
public record PrefixTuningConfig(int numVirtualTokens, boolean prefixProjection, int encoderHiddenSize)
        implements TechniqueConfig {
    public PrefixTuningConfig {
        if (numVirtualTokens <= 0) {
            throw new IllegalArgumentException("num_virtual_tokens must be positive, got " + numVirtualTokens);
        }
        if (encoderHiddenSize < 0) {
            throw new IllegalArgumentException("encoder_hidden_size must be >= 0, got " + encoderHiddenSize);
        }
    }

    @Override
    public TechniqueType type() {
        return TechniqueType.PREFIX_TUNING;
    }
}
