package org.finetune4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.finetune4j.data.TokenBatch;

/**
 * Next-token cross-entropy as HF's {@code ForCausalLMLoss}: logits at t score label t+1, logits upcast
 * to float32, {@link TokenBatch#IGNORE} labels skipped.
 *
 * <p>Returns the SUM over scored tokens, not the mean: with gradient accumulation the trainer divides by
 * the number of targets across all micro-batches of the step, so short micro-batches are not
 * over-weighted.
 */
public final class CausalLmLoss {
    private CausalLmLoss() {}

    /**
     * @param logits (B, T, V)
     * @return 0-d sum of -log p(label) over the batch's targets, in {@code step}'s manager
     */
    public static NDArray sum(NDArray logits, TokenBatch batch, NDManager step) {
        int b = batch.batchSize();
        int t = batch.length();
        long[] targets = new long[b * (t - 1)];
        float[] weights = new float[b * (t - 1)];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t - 1; i++) {
                long label = batch.labels()[r][i + 1];
                boolean scored = label != TokenBatch.IGNORE;
                targets[r * (t - 1) + i] = scored ? label : 0;
                weights[r * (t - 1) + i] = scored ? 1f : 0f;
            }
        }
        NDArray shifted = logits.get(new NDIndex(":, :-1")); // (B, T-1, V)
        if (shifted.getDataType() == DataType.FLOAT16 || shifted.getDataType() == DataType.BFLOAT16) {
            shifted = shifted.toType(DataType.FLOAT32, false); // half precision is upcast; float64 stays
        }
        NDArray logp = shifted.logSoftmax(2); // (B, T-1, V)
        NDArray tgt = step.create(targets, new Shape(b, t - 1, 1));
        NDArray picked = logp.gather(tgt, 2).reshape(b, t - 1); // (B, T-1)
        NDArray w = step.create(weights, new Shape(b, t - 1));
        return picked.mul(w).sum().neg();
    }
}
