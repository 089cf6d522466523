package org.finetune4j.peft;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.data.TokenBatch;
import org.finetune4j.model.ModelResources;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.train.CausalLmLoss;
import org.finetune4j.train.StandardBackprop;

/** Tiny models and a fixed batch shared by the technique tests. */
public final class PeftTestModels {
    private PeftTestModels() {}

    public static LlamaConfig tiny() {
        return LlamaConfig.builder().setVocabSize(48).setHiddenSize(32).setIntermediateSize(48).setNumHiddenLayers(2)
                .setNumAttentionHeads(4).optNumKeyValueHeads(2).optMaxPositionEmbeddings(64).build();
    }

    public static LlamaForCausalLM model(NDManager root, LlamaConfig c, long seed, DataType type) {
        return LlamaForCausalLM.fromWeights(c, LlamaForCausalLM.randomWeights(c, seed, 0.3),
                ModelResources.create(root, new DevicePolicy(Device.cpu(), type)));
    }

    /** Two rows of 12 tokens; the first 4 tokens of each row are masked like a prompt. */
    public static TokenBatch batch() {
        long[][] ids = {{1, 7, 3, 9, 12, 30, 4, 4, 22, 17, 8, 2}, {5, 5, 40, 11, 6, 19, 33, 21, 9, 0, 14, 2}};
        TokenBatch full = TokenBatch.ofFullRows(ids);
        long[][] labels = full.labels();
        for (long[] row : labels) {
            for (int t = 0; t < 4; t++) {
                row[t] = TokenBatch.IGNORE;
            }
        }
        return new TokenBatch(ids, labels, full.segments(), full.positions());
    }

    /** Mean token loss of the batch without recording. */
    public static double loss(org.finetune4j.model.CausalLM model, TokenBatch b) {
        try (NDManager step = model.resources().newStepManager()) {
            return new StandardBackprop(model).lossSum(b, step) / b.targetCount();
        }
    }

    /** Gradients of the mean loss, as Java arrays, by parameter name. */
    public static Map<String, double[]> gradients(org.finetune4j.model.CausalLM model, Map<String, Parameter> params,
            TokenBatch b) {
        params.values().forEach(p -> JniUtils.zeroGrad((PtNDArray) p.getArray()));
        try (NDManager step = model.resources().newStepManager()) {
            new StandardBackprop(model).accumulateGradients(b, 1f / b.targetCount(), step);
            Map<String, double[]> out = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray g = e.getValue().getArray().getGradient();
                out.put(e.getKey(), g.toType(DataType.FLOAT64, false).toDoubleArray());
                g.close();
            }
            return out;
        }
    }

    /** Plain in-place SGD on the mean loss, outside any collector; returns the loss before each step. */
    public static double[] sgd(org.finetune4j.model.CausalLM model, Map<String, Parameter> params, TokenBatch b,
            int steps, float lr) {
        double[] losses = new double[steps];
        for (int s = 0; s < steps; s++) {
            params.values().forEach(p -> JniUtils.zeroGrad((PtNDArray) p.getArray()));
            try (NDManager step = model.resources().newStepManager()) {
                losses[s] = new StandardBackprop(model).accumulateGradients(b, 1f / b.targetCount(), step)
                        / b.targetCount();
                for (Parameter p : params.values()) {
                    NDArray g = p.getArray().getGradient();
                    g.attach(step);
                    p.getArray().subi(g.mul(lr)); // outside the collector, Number ops are safe (notes §0)
                }
            }
        }
        return losses;
    }

    static void unused() {
        GradientCollector.class.getName();
        Engine.class.getName();
        CausalLmLoss.class.getName();
    }
}
