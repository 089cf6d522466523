package org.finetune4j.peft;

/**
 * A technique and its hyper-parameters. Sealed, so every switch over techniques is checked by the
 * compiler and no technique is chosen by a string.
 */
public sealed interface TechniqueConfig
        permits FullFineTuningConfig, LoraConfig, QloraConfig, PromptTuningConfig, PrefixTuningConfig, AdapterConfig,
        BitFitConfig {

    TechniqueType type();
}
