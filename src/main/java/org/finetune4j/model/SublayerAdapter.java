package org.finetune4j.model;

import ai.djl.ndarray.NDArray;

/**
 * A module inserted after a decoder sub-layer (attention or MLP) that refines its output before the
 * residual addition, as bottleneck (Houlsby) adapters do: {@code out = adapt(sublayer(x))}.
 */
public abstract class SublayerAdapter extends Module {
    /** (B, T, D) -> (B, T, D). */
    public abstract NDArray adapt(NDArray sublayerOutput);
}
