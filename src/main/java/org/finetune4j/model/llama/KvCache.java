package org.finetune4j.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.finetune4j.config.LlamaConfig;

/**
 * Keys and values of the tokens seen so far, preallocated per layer as {@code (B, H_kv, Tmax, d)} and
 * written in place, so a decode step costs no reallocation. Owned by the caller's manager (one
 * generation); close that manager to free it.
 */
public final class KvCache {
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int batch;
    private final int capacity;
    private int length;

    public KvCache(LlamaConfig config, int batch, int capacity, NDManager manager, DataType type) {
        this.batch = batch;
        this.capacity = capacity;
        int layers = config.numHiddenLayers();
        keys = new NDArray[layers];
        values = new NDArray[layers];
        Shape shape = new Shape(batch, config.numKeyValueHeads(), capacity, config.headDim());
        for (int i = 0; i < layers; i++) {
            keys[i] = manager.zeros(shape, type);
            values[i] = manager.zeros(shape, type);
        }
    }

    /** Tokens already cached (the "past" length). */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    public int batch() {
        return batch;
    }

    /**
     * Appends this step's keys and values of one layer and returns views of everything cached so far.
     *
     * @param k (B, H_kv, T, d) for positions [length, length+T)
     * @return {@code [keys, values]}, each (B, H_kv, length+T, d)
     */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        int t = (int) k.getShape().get(2);
        if (length + t > capacity) {
            throw new IllegalStateException("KV cache full: " + length + " + " + t + " > capacity " + capacity);
        }
        NDIndex slot = new NDIndex(":, :, {}:{}", length, length + t);
        keys[layer].set(slot, k);
        values[layer].set(slot, v);
        NDIndex upTo = new NDIndex(":, :, :{}", length + t);
        // Views land in the step manager of k, so they are released with the step, not the generation.
        return new NDArray[] {keys[layer].get(k.getManager(), upTo), values[layer].get(k.getManager(), upTo)};
    }

    /** Called once per forward pass, after every layer appended {@code t} positions. */
    void advance(int t) {
        length += t;
    }
}
