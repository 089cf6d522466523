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
     * The positions of a batch that predict a label, as flat indices {@code b·T + t} in increasing order
     * (position t scores label t+1), for {@code ForwardInput.optLogitRows}; empty when nothing is scored.
     */
    public static long[] scoredRows(TokenBatch batch) {
        int t = batch.length();
        long[] rows = new long[batch.batchSize() * (t - 1)];
        int k = 0;
        for (int r = 0; r < batch.batchSize(); r++) {
            for (int i = 0; i < t - 1; i++) {
                if (batch.labels()[r][i + 1] != TokenBatch.IGNORE) {
                    rows[k++] = (long) r * t + i;
                }
            }
        }
        return java.util.Arrays.copyOf(rows, k);
    }

    /**
     * The same sum as {@link #sum} from logits computed only at {@link #scoredRows}: no softmax over
     * positions without a target.
     *
     * @param logits (K, V), row k for position {@code scoredRows(batch)[k]}
     * @return 0-d sum of -log p(label), in {@code step}'s manager
     */
    public static NDArray sumScored(NDArray logits, TokenBatch batch, NDManager step) {
        long[] rows = scoredRows(batch);
        if (logits.getShape().get(0) != rows.length) {
            throw new IllegalArgumentException("logits have " + logits.getShape().get(0) + " rows for "
                    + rows.length + " scored positions");
        }
        int t = batch.length();
        long[] targets = new long[rows.length];
        for (int k = 0; k < rows.length; k++) {
            targets[k] = batch.labels()[(int) (rows[k] / t)][(int) (rows[k] % t) + 1];
        }
        NDArray x = logits;
        if (x.getDataType() == DataType.FLOAT16 || x.getDataType() == DataType.BFLOAT16) {
            x = x.toType(DataType.FLOAT32, false);
        }
        NDArray tgt = step.create(targets, new Shape(rows.length, 1));
        return x.logSoftmax(1).gather(tgt, 1).sum().neg(); // (K, V) -> (K, 1) -> 0-d
    }

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
