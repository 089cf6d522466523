package org.finetune4j.peft;

/** The fine-tuning techniques of the guide's step 3. */
public enum TechniqueType {
    /** Every (or every selected) base weight is trained. */
    FULL,
    /** Low-rank update {@code W + (α/r)·B·A} on chosen linear layers; also rsLoRA and DoRA. */
    LORA,
    /** LoRA over a frozen base stored as 4-bit NormalFloat. */
    QLORA,
    /** Trainable virtual-token embeddings prepended to the input. */
    PROMPT_TUNING,
    /** Trainable keys/values prepended in every attention layer. */
    PREFIX_TUNING,
    /** Bottleneck adapter layers after attention and MLP (Houlsby). */
    ADAPTER,
    /** Only bias terms are trained. */
    BITFIT
}
