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

    /**
     * The dense weight {@code (out, in)} this layer applies: the stored tensor itself for a plain layer
     * (do not close it), or a dequantised copy attached to {@code m}.
     */
    public abstract NDArray denseWeight(ai.djl.ndarray.NDManager m);

    /** The bias {@code (out)}, or null. */
    public abstract NDArray bias();

    public abstract int inFeatures();

    public abstract int outFeatures();
}
