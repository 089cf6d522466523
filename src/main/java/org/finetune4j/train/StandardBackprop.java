package org.finetune4j.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.finetune4j.data.TokenBatch;
import org.finetune4j.model.CausalLM;
import org.finetune4j.model.llama.ForwardInput;

/** Plain backprop: one recorded forward over the micro-batch, one backward. */
public final class StandardBackprop implements GradientComputer {
    private final CausalLM model;

    public StandardBackprop(CausalLM model) {
        this.model = model;
    }

    /** The forward input of a batch: ids (B, T) created in {@code step}, its segments and positions. */
    public static ForwardInput input(TokenBatch batch, NDManager step) {
        return ForwardInput.builder().setInputIds(step.create(flatten(batch.inputIds()),
                        new Shape(batch.batchSize(), batch.length())))
                .optSegments(batch.segments()).optPositions(batch.positions()).build();
    }

    /** A 0-d loss as a double, whatever its float type. */
    static double value(NDArray scalar) {
        return scalar.getDataType() == ai.djl.ndarray.types.DataType.FLOAT64 ? scalar.getDouble() : scalar.getFloat();
    }

    static long[] flatten(long[][] x) {
        int t = x[0].length;
        long[] out = new long[x.length * t];
        for (int r = 0; r < x.length; r++) {
            System.arraycopy(x[r], 0, out, r * t, t);
        }
        return out;
    }

    @Override
    public double accumulateGradients(TokenBatch batch, float scale, NDManager step) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = loss(batch, step);
            // A native 0-d scale (not loss.mul(float)): Number ops corrupt gradients in DJL 0.36 (notes §0).
            NDArray scaleConst = step.full(new Shape(), scale, loss.getDataType());
            gc.backward(loss.mul(scaleConst));
            return value(loss);
        }
    }

    @Override
    public double lossSum(TokenBatch batch, NDManager step) {
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        return value(loss(batch, step));
    }

    /**
     * The summed loss of a batch, with logits only where a label is scored (for SFT rows mostly the
     * assistant turns): the LM head and the softmax skip every other position.
     */
    private NDArray loss(TokenBatch batch, NDManager step) {
        CausalLmLoss.Scored scored = CausalLmLoss.scored(batch);
        if (scored.count() == 0) { // nothing scored: the plain path gives the 0 loss with a graph
            return CausalLmLoss.sum(model.forward(input(batch, step)), batch, step);
        }
        ForwardInput in = input(batch, step).toBuilder().optLogitRows(scored.rows()).build();
        return CausalLmLoss.sumScored(model.forward(in), scored, step);
    }
}
