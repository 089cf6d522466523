package org.finetune4j.peft;

import java.util.List;

/**
 * BitFit: only bias terms train. Llama has no biases (Qwen2 only on q/k/v), so zero-initialised
 * trainable biases are added to the target linear layers — the model is unchanged at step 0.
 *
 * @param targetModules linear layers that get a trainable bias (existing biases are unfrozen instead)
 */
public record BitFitConfig(List<String> targetModules) implements TechniqueConfig {
    public BitFitConfig {
        targetModules = List.copyOf(targetModules);
    }

    public static BitFitConfig allProjections() {
        return new BitFitConfig(LoraConfig.ALL_PROJECTIONS);
    }

    @Override
    public TechniqueType type() {
        return TechniqueType.BITFIT;
    }
}
