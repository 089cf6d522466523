package org.finetune4j.peft.qlora;

/**
 * How a weight is stored in NF4.
 *
 * @param blockSize       elements sharing one absmax (bitsandbytes / QLoRA: 64)
 * @param doubleQuant     whether the absmax values are themselves quantized to 8 bits
 *                        ({@code bnb_4bit_use_double_quant}); saves ~0.373 bit per parameter
 * @param nestedBlockSize absmax values sharing one second-level absmax (bitsandbytes: 256); only
 *                        used with double quantization
 */
public record Nf4Options(int blockSize, boolean doubleQuant, int nestedBlockSize) {

    public static final int DEFAULT_BLOCK_SIZE = 64;
    public static final int DEFAULT_NESTED_BLOCK_SIZE = 256;

    public Nf4Options {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("NF4 blockSize must be positive, got " + blockSize);
        }
        if (nestedBlockSize <= 0) {
            throw new IllegalArgumentException("NF4 nestedBlockSize must be positive, got " + nestedBlockSize);
        }
    }

    /** The QLoRA setting: blocks of 64, double quantization with nested blocks of 256. */
    public static Nf4Options defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder in DJL style; every setting has the QLoRA default. */
    public static final class Builder {
        private int blockSize = DEFAULT_BLOCK_SIZE;
        private boolean doubleQuant = true;
        private int nestedBlockSize = DEFAULT_NESTED_BLOCK_SIZE;

        private Builder() {}

        public Builder optBlockSize(int blockSize) {
            this.blockSize = blockSize;
            return this;
        }

        public Builder optDoubleQuant(boolean doubleQuant) {
            this.doubleQuant = doubleQuant;
            return this;
        }

        public Builder optNestedBlockSize(int nestedBlockSize) {
            this.nestedBlockSize = nestedBlockSize;
            return this;
        }

        public Nf4Options build() {
            return new Nf4Options(blockSize, doubleQuant, nestedBlockSize);
        }
    }
}
