package org.finetune4j.peft;

/** How {@code lora_A} is initialised ({@code lora_B} always starts at zero, so step 0 is the base model). */
public enum LoraInit {
    /** PEFT's default: Kaiming-uniform with a = √5, i.e. U(−1/√in, 1/√in). */
    KAIMING_UNIFORM,
    /** N(0, 1/r), PEFT's {@code init_lora_weights="gaussian"}. */
    GAUSSIAN
}
