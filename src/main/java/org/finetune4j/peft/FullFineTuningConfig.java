package org.finetune4j.peft;

import java.util.List;

/**
 * Full fine-tuning: base weights are trained in place.
 *
 * @param layers          decoder layer indices to train; empty means all layers
 * @param trainEmbeddings also train {@code embed_tokens} and {@code lm_head}
 * @param trainNorms      also train the RMSNorm weights
 */
public record FullFineTuningConfig(List<Integer> layers, boolean trainEmbeddings, boolean trainNorms)
        implements TechniqueConfig {

    public FullFineTuningConfig {
        layers = List.copyOf(layers);
    }

    /** Everything trainable. */
    public static FullFineTuningConfig all() {
        return new FullFineTuningConfig(List.of(), true, true);
    }

    @Override
    public TechniqueType type() {
        return TechniqueType.FULL;
    }
}
