package org.finetune4j.peft.prefix;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.finetune4j.model.Embedding;
import org.finetune4j.model.Linear;
import org.finetune4j.model.Module;

/**
 * PEFT's {@code PrefixEncoder}: the source of the per-layer prefix keys and values, as one
 * {@code (N, L·2·H_kv·d)} matrix.
 *
 * <p>Plain: {@code embedding.weight} is that matrix. With the reparameterising MLP (Li &amp; Liang, 2021):
 * {@code embedding.weight (N, H_kv·d)} → {@code transform.0} Linear → tanh → {@code transform.2} Linear
 * to {@code L·2·H_kv·d}; the MLP only eases optimisation, so a saved adapter keeps just its output.
 */
public final class PrefixEncoder extends Module {
    private final Embedding embedding;
    private final Transform transform; // null without projection

    /** Plain prefix: {@code table (N, L·2·H_kv·d)} is trained directly. */
    public PrefixEncoder(NDArray table) {
        this.embedding = registerModule("embedding", new Embedding(table, true));
        this.transform = null;
    }

    /**
     * Reparameterised prefix.
     *
     * @param embedding (N, token_dim)
     * @param w0 (E, token_dim), b0 (E): first linear; w2 (L·2·token_dim, E), b2: second linear
     */
    public PrefixEncoder(NDArray embedding, NDArray w0, NDArray b0, NDArray w2, NDArray b2) {
        this.embedding = registerModule("embedding", new Embedding(embedding, true));
        this.transform = registerModule("transform", new Transform(new Linear(w0, b0, true), new Linear(w2, b2, true)));
    }

    public boolean hasProjection() {
        return transform != null;
    }

    /**
     * The (N, L·2·H_kv·d) prefix matrix, recorded for autograd when a collector is open. Every result
     * lands in {@code step}, none in the parameters' manager.
     */
    public NDArray output(NDManager step) {
        NDArray e = embedding.weight();
        if (transform == null) {
            return own(e.reshape(e.getShape()), step); // a view, so the gradient reaches the parameter
        }
        NDArray hidden = own(transform.first.forward(e), step).tanh(); // (N, E)
        return transform.second.forward(hidden); // (N, L·2·H_kv·d)
    }

    private static NDArray own(NDArray a, NDManager step) {
        a.attach(step);
        return a;
    }

    /** {@code transform}: children {@code 0} and {@code 2} as in PEFT's {@code Sequential(Linear, Tanh, Linear)}. */
    private static final class Transform extends Module {
        final Linear first;
        final Linear second;

        Transform(Linear first, Linear second) {
            this.first = registerModule("0", first);
            this.second = registerModule("2", second);
        }
    }
}
