package org.finetune4j.peft;

/**
 * Bottleneck adapters: {@code h + up(act(down(h)))}, width {@code hidden / reductionFactor}, the up
 * projection starting at zero so step 0 equals the base model.
 */
public record AdapterConfig(AdapterPlacement placement, int reductionFactor, AdapterActivation activation)
        implements TechniqueConfig {
    public AdapterConfig {
        if (reductionFactor <= 0) {
            throw new IllegalArgumentException("reduction_factor must be positive, got " + reductionFactor);
        }
    }

    /** Houlsby's setting: both positions, reduction 16, swish. */
    public static AdapterConfig houlsby() {
        return new AdapterConfig(AdapterPlacement.HOULSBY, 16, AdapterActivation.SWISH);
    }

    @Override
    public TechniqueType type() {
        return TechniqueType.ADAPTER;
    }
}
