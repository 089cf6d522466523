package org.finetune4j.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The Llama-family architectures finetune4j runs, keyed by {@code config.json}'s {@code model_type}.
 * SmolLM, SmolLM2 and TinyLlama checkpoints declare {@code llama}.
 */
public enum ModelType {
    LLAMA("llama", "LlamaForCausalLM"),
    MISTRAL("mistral", "MistralForCausalLM"),
    QWEN2("qwen2", "Qwen2ForCausalLM");

    private final String wireName;
    private final String architecture;

    ModelType(String wireName, String architecture) {
        this.wireName = wireName;
        this.architecture = architecture;
    }

    /** The {@code model_type} string of config.json. */
    public String wireName() {
        return wireName;
    }

    /** The class name HF transformers writes into {@code architectures}. */
    public String architecture() {
        return architecture;
    }

    /** Qwen2 always has biases on q/k/v; Llama and Mistral only with {@code attention_bias}. */
    public boolean alwaysQkvBias() {
        return this == QWEN2;
    }

    public static ModelType parse(String modelType) {
        for (ModelType t : values()) {
            if (t.wireName.equals(modelType)) {
                return t;
            }
        }
        throw new ConfigException("unsupported model_type '" + modelType + "'; finetune4j supports "
                + Arrays.stream(values()).map(ModelType::wireName).collect(Collectors.joining(", "))
                + " (SmolLM/SmolLM2/TinyLlama use 'llama')");
    }
}
