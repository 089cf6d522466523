package org.finetune4j.export;

/** File and tensor names of a Hugging Face PEFT adapter directory. */
public final class PeftFormat {
    /** The adapter's hyper-parameters. */
    public static final String CONFIG_FILE = "adapter_config.json";
    /** The adapter's tensors. */
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    /** What older PEFT versions wrote instead: a pickle, which this library never reads. */
    public static final String PICKLE_WEIGHTS_FILE = "adapter_model.bin";
    /** The model card. */
    public static final String README_FILE = "README.md";
    /**
     * Prefix of every saved tensor name: PEFT's wrapper ({@code base_model}) around the LoRA model
     * ({@code model}), hence {@code base_model.model.model.layers.0…} for a Llama decoder.
     */
    public static final String TENSOR_PREFIX = "base_model.model.";
    /** PEFT's name of the only adapter; present in memory, removed on save. */
    public static final String DEFAULT_ADAPTER = "default";

    private PeftFormat() {}
}
