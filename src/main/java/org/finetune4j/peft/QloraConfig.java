package org.finetune4j.peft;

/**
 * QLoRA: LoRA over a frozen base whose targeted linear weights are stored as 4-bit NormalFloat.
 *
 * @param lora            the LoRA part (the QLoRA paper: every linear layer, r = 64, alpha = 16)
 * @param blockSize       values per absmax block (64)
 * @param doubleQuant     quantise the absmax values too (8-bit, blocks of 256): ≈4.127 bits/parameter
 * @param nestedBlockSize block of the second quantisation (256)
 */
public record QloraConfig(LoraConfig lora, int blockSize, boolean doubleQuant, int nestedBlockSize)
        implements TechniqueConfig {

    public static QloraConfig of(LoraConfig lora) {
        return new QloraConfig(lora, 64, true, 256);
    }

    @Override
    public TechniqueType type() {
        return TechniqueType.QLORA;
    }
}
