package org.finetune4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import org.finetune4j.data.TokenBatch;
import org.finetune4j.io.NDArrays;

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
     * The positions of a batch that predict a label and those labels, from one pass over the labels.
     *
     * @param rows    flat indices {@code b·T + t} in increasing order (position t scores label t+1), for
     *                {@code ForwardInput.optLogitRows}; empty when nothing is scored
     * @param targets the label each row scores
     */
    public record Scored(long[] rows, long[] targets) {
        public int count() {
            return rows.length;
        }
    }

    /** The scored positions of {@code batch} and their labels. */
    public static Scored scored(TokenBatch batch) {
        int t = batch.length();
        long[] rows = new long[batch.batchSize() * (t - 1)];
        long[] targets = new long[rows.length];
        int k = 0;
        for (int r = 0; r < batch.batchSize(); r++) {
            for (int i = 0; i < t - 1; i++) {
                long label = batch.labels()[r][i + 1];
                if (label != TokenBatch.IGNORE) {
                    rows[k] = (long) r * t + i;
                    targets[k++] = label;
                }
            }
        }
        return new Scored(Arrays.copyOf(rows, k), Arrays.copyOf(targets, k));
    }

    /**
     * The same sum as {@link #sum} from logits computed only at the scored rows: no softmax over positions
     * without a target.
     *
     * @param logits (K, V), row k for position {@code scored.rows()[k]}
     * @return 0-d sum of -log p(label), in {@code step}'s manager
     */
    public static NDArray sumScored(NDArray logits, Scored scored, NDManager step) {
        if (logits.getShape().get(0) != scored.count()) {
            throw new IllegalArgumentException("logits have " + logits.getShape().get(0) + " rows for "
                    + scored.count() + " scored positions");
        }
        NDArray tgt = step.create(scored.targets(), new Shape(scored.count(), 1));
        return logSoftmax(logits, 1).gather(tgt, 1).sum().neg(); // (K, V) -> (K, 1) -> 0-d
    }

    /**
     * log-softmax along {@code axis}, computed in float32 for half-precision logits as HF does. The upcast
     * is log_softmax's own dtype argument, which autograd records; DJL's {@code toType} would not.
     */
    static NDArray logSoftmax(NDArray logits, int axis) {
        if (NDArrays.isHalf(logits.getDataType())) {
            return JniUtils.logSoftmax((PtNDArray) logits, axis, DataType.FLOAT32);
        }
        return logits.logSoftmax(axis);
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
        NDArray logp = logSoftmax(logits.get(new NDIndex(":, :-1")), 2); // (B, T-1, V)
        NDArray tgt = step.create(targets, new Shape(b, t - 1, 1));
        NDArray picked = logp.gather(tgt, 2).reshape(b, t - 1); // (B, T-1)
        NDArray w = step.create(weights, new Shape(b, t - 1));
        return picked.mul(w).sum().neg();
    }
}
