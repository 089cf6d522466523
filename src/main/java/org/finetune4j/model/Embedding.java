package org.finetune4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;

/** Token embedding table: {@code weight} is {@code (V, D)}; ids {@code (B, T)} -> {@code (B, T, D)}. */
public final class Embedding extends Module {
    private final Parameter weight;

    public Embedding(NDArray weight, boolean trainable) {
        this.weight = registerParameter("weight", weight, trainable);
    }

    /** ids (B, T) int64 -> (B, T, D). The result lives in the ids' manager. */
    public NDArray forward(NDArray ids) {
        return ids.getNDArrayInternal().embedding(ids, weight.getArray(), SparseFormat.DENSE).singletonOrThrow();
    }

    public NDArray weight() {
        return weight.getArray();
    }

    public int vocabSize() {
        return (int) weight.getArray().getShape().get(0);
    }

    public int dim() {
        return (int) weight.getArray().getShape().get(1);
    }
}
