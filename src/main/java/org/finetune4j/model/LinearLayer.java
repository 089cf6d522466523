package org.finetune4j.model;

import ai.djl.ndarray.NDArray;

/**
 * Anything that acts as an {@code nn.Linear}: a plain linear layer, a 4-bit quantised one, or a
 * wrapper that adds a low-rank update. Attention and MLP blocks only see this type, so techniques can
 * swap implementations by HF path.
 */
public abstract class LinearLayer extends Module {

    /** {@code (…, in) -> (…, out)}. */
    public abstract NDArray forward(NDArray x);

    public abstract int inFeatures();

    public abstract int outFeatures();
}
