package org.finetune4j.peft;

/**
 * The numbers step 3 of the guide compares across techniques.
 *
 * @param type                 technique
 * @param totalParameters      every scalar of the model (base + technique)
 * @param trainableParameters  scalars the optimizer updates
 * @param frozenBytes          storage of everything not trained (4-bit weights counted at their packed size)
 * @param trainableBytes       storage of trained tensors (float32)
 * @param optimizerStateBytes  AdamW's two moments per trainable scalar (float32)
 * @param quantizedParameters  frozen scalars stored in 4 bits (QLoRA), else 0
 * @param quantizedBytes       their packed storage incl. scales
 * @param quantizedDenseBytes  what those scalars would take as float32
 */
public record TechniqueReport(TechniqueType type, long totalParameters, long trainableParameters, long frozenBytes,
        long trainableBytes, long optimizerStateBytes, long quantizedParameters, long quantizedBytes,
        long quantizedDenseBytes) {

    public double trainableFraction() {
        return totalParameters == 0 ? 0 : (double) trainableParameters / totalParameters;
    }

    /** Bits per quantized parameter (≈4.127 for NF4 with double quantization), or NaN. */
    public double quantizedBitsPerParameter() {
        return quantizedParameters == 0 ? Double.NaN : 8.0 * quantizedBytes / quantizedParameters;
    }

    /** Quantized storage over its float32 size (≈0.129 for NF4 with double quantization), or NaN. */
    public double quantizedRatio() {
        return quantizedDenseBytes == 0 ? Double.NaN : (double) quantizedBytes / quantizedDenseBytes;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "%s: trainable %,d of %,d (%.3f%%), frozen %.1f MB, trainable %.1f MB, optimizer state %.1f MB%s",
                type, trainableParameters, totalParameters, 100 * trainableFraction(), frozenBytes / 1e6,
                trainableBytes / 1e6, optimizerStateBytes / 1e6,
                quantizedParameters == 0 ? "" : String.format(java.util.Locale.ROOT,
                        ", 4-bit weights %.3f bits/param (%.3f of fp32)", quantizedBitsPerParameter(), quantizedRatio()));
    }
}
