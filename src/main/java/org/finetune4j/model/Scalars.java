package org.finetune4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cached 0-d constant tensors owned by libtorch.
 *
 * <p>Why: in DJL 0.36 the {@code NDArray} ops that take a Java {@code Number} ({@code x.mul(2f)})
 * build a temporary scalar over a Java buffer and close it at once; autograd may still read it during
 * backward, which silently corrupts gradients (see shared/notes/djl-training-facts.md §0). Every
 * constant inside a model's graph therefore comes from here: {@code manager.full} allocates native
 * storage, and the cache keeps it alive as long as the model.
 */
public final class Scalars {
    private final NDManager manager;
    private final DataType type;
    private final ConcurrentHashMap<Float, NDArray> cache = new ConcurrentHashMap<>();

    public Scalars(NDManager manager, DataType type) {
        this.manager = manager;
        this.type = type;
    }

    /** A 0-d tensor holding {@code value}, in the model's compute dtype. */
    public NDArray of(float value) {
        return cache.computeIfAbsent(value, v -> manager.full(new Shape(), v, type));
    }
}
