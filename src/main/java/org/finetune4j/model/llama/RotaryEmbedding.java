package org.finetune4j.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import org.finetune4j.config.LlamaConfig;

/**
 * Rotary position embedding in HF's "rotate_half" convention: the rotated pairs are {@code (j, j+d/2)},
 * not adjacent elements.
 *
 * <p>Holds cos/sin tables {@code (P, d)} with {@code emb = concat(freqs, freqs)}, grown on demand (a
 * 128k-context config would otherwise cost hundreds of MB up front). Positions are looked up per row so
 * left-padded batches and KV-cache offsets work.
 */
public final class RotaryEmbedding {
    private final NDManager manager;
    private final DataType type;
    private final double[] invFreq; // (d/2)
    private final int headDim;
    private NDArray cos; // (P, d)
    private NDArray sin; // (P, d)
    private int capacity;

    public RotaryEmbedding(LlamaConfig config, NDManager manager, DataType type) {
        this.manager = manager;
        this.type = type;
        this.headDim = config.headDim();
        this.invFreq = inverseFrequencies(config);
    }

    /** {@code 1/theta^(2i/d)} for i < d/2, then the config's rope scaling. */
    public static double[] inverseFrequencies(LlamaConfig config) {
        int d = config.headDim();
        double[] inv = new double[d / 2];
        for (int i = 0; i < d / 2; i++) {
            // HF computes arange(0, d, 2)/d in float32 before the power; do the same for bit-closeness.
            float exponent = (float) (2 * i) / (float) d;
            inv[i] = (float) (1.0 / Math.pow(config.ropeTheta(), exponent));
        }
        config.ropeScaling().apply(inv);
        return inv;
    }

    private synchronized void ensureCapacity(int positions) {
        if (positions <= capacity) {
            return;
        }
        int p = Math.max(positions, Math.max(64, capacity * 2));
        float[] c = new float[p * headDim];
        float[] s = new float[p * headDim];
        int half = headDim / 2;
        for (int pos = 0; pos < p; pos++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) pos * (float) invFreq[i]; // float32 product, as HF's outer product
                float cv = (float) Math.cos(angle);
                float sv = (float) Math.sin(angle);
                c[pos * headDim + i] = cv;
                c[pos * headDim + i + half] = cv;
                s[pos * headDim + i] = sv;
                s[pos * headDim + i + half] = sv;
            }
        }
        NDArray newCos = manager.create(c, new Shape(p, headDim)).toType(type, false);
        NDArray newSin = manager.create(s, new Shape(p, headDim)).toType(type, false);
        if (cos != null) {
            cos.close();
            sin.close();
        }
        cos = newCos;
        sin = newSin;
        capacity = p;
    }

    /**
     * cos and sin for the given positions, ready to broadcast over heads.
     *
     * @param positions (B, T) int64
     * @param maxPosition one past the largest position in {@code positions}
     * @return {@code [cos, sin]}, each (B, 1, T, d), in the positions' manager
     */
    public NDList lookup(NDArray positions, int maxPosition) {
        ensureCapacity(maxPosition);
        NDArray c = positions.getNDArrayInternal().embedding(positions, cos, SparseFormat.DENSE).singletonOrThrow();
        NDArray s = positions.getNDArrayInternal().embedding(positions, sin, SparseFormat.DENSE).singletonOrThrow();
        return new NDList(c.expandDims(1), s.expandDims(1));
    }

    /** x (B, h, T, d) rotated: {@code x·cos + rotate_half(x)·sin}. */
    public static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        NDList halves = x.split(2, 3); // two (B, h, T, d/2); a positive axis (split(n, -1) throws in DJL)
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3); // concat(-x2, x1)
        return x.mul(cos).add(rotated.mul(sin));
    }

    public int headDim() {
        return headDim;
    }
}
