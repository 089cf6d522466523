package org.finetune4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import java.util.Map;
import org.finetune4j.data.TokenBatch;
import org.finetune4j.peft.FullFineTuningConfig;
import org.finetune4j.peft.LoraConfig;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.PeftTestModels;
import org.finetune4j.peft.PrefixTuningConfig;
import org.finetune4j.peft.PromptInit;
import org.finetune4j.peft.PromptTuningConfig;
import org.finetune4j.peft.TechniqueConfig;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;

class CheckpointedBackpropTest {

    /** Recomputing layer by layer must give the gradients of one recorded backward (LoRA/DoRA and full). */
    @Test
    void gradientsEqualPlainBackprop() {
        for (TechniqueConfig t : List.of(LoraConfig.builder().optR(4).optUseDora(true).build(), FullFineTuningConfig.all())) {
            checkAgainstPlainBackprop(t, PeftTestModels.batch());
        }
    }

    /** Prompt tuning: the stack runs over the virtual tokens too, and their gradient reaches the prompt. */
    @Test
    void promptTuningGradientsEqualPlainBackprop() {
        TechniqueConfig t = new PromptTuningConfig(3, PromptInit.RANDOM, null);
        checkAgainstPlainBackprop(t, PeftTestModels.batch());
        checkAgainstPlainBackprop(t, packedAndPadded());
    }

    /** Prefix tuning, plain and through the reparameterising MLP: every layer's share of the prefix gradient arrives. */
    @Test
    void prefixTuningGradientsEqualPlainBackprop() {
        for (TechniqueConfig t : List.of(new PrefixTuningConfig(3, false, 0), new PrefixTuningConfig(3, true, 10))) {
            checkAgainstPlainBackprop(t, PeftTestModels.batch());
            checkAgainstPlainBackprop(t, packedAndPadded());
        }
    }

    /** Row 0 packs two samples; row 1 is one sample followed by padding. */
    private static TokenBatch packedAndPadded() {
        long[][] ids = {{1, 7, 3, 9, 12, 30, 4, 4, 22, 17}, {5, 5, 40, 11, 6, 19, 33, 0, 0, 0}};
        long[][] labels = {ids[0].clone(), {5, 5, 40, 11, 6, 19, 33, TokenBatch.IGNORE, TokenBatch.IGNORE, TokenBatch.IGNORE}};
        int[][] segments = {{0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, {0, 0, 0, 0, 0, 0, 0, -1, -1, -1}};
        long[][] positions = {{0, 1, 2, 3, 0, 1, 2, 3, 4, 5}, {0, 1, 2, 3, 4, 5, 6, 0, 0, 0}};
        return new TokenBatch(ids, labels, segments, positions);
    }

    private static void checkAgainstPlainBackprop(TechniqueConfig t, TokenBatch batch) {
        try (NDManager root = Djl.engine().newBaseManager()) {
            PeftModel plain = PeftModel.create(PeftTestModels.model(root, PeftTestModels.tiny(), 3, DataType.FLOAT32), t, 1);
            PeftModel ckpt = PeftModel.create(PeftTestModels.model(root, PeftTestModels.tiny(), 3, DataType.FLOAT32), t, 1);
            // one step first, so that e.g. LoRA's B is non-zero and the adapter path carries gradient into A
            PeftTestModels.sgd(plain, plain.trainableParameters(), batch, 1, 0.5f);
            PeftTestModels.sgd(ckpt, ckpt.trainableParameters(), batch, 1, 0.5f);
            Map<String, double[]> expected = PeftTestModels.gradients(plain, plain.trainableParameters(), batch);
            ckpt.trainableParameters().values().forEach(p -> JniUtils.zeroGrad((PtNDArray) p.getArray()));
            double loss;
            try (NDManager step = ckpt.resources().newStepManager()) {
                loss = new CheckpointedBackprop(ckpt).accumulateGradients(batch, 1f / batch.targetCount(), step);
            }
            assertEquals(PeftTestModels.loss(plain, batch) * batch.targetCount(), loss, 1e-4, t.type() + " loss");
            assertEquals(expected.keySet(), ckpt.trainableParameters().keySet());
            for (Map.Entry<String, double[]> e : expected.entrySet()) {
                NDArray g = ckpt.trainableParameters().get(e.getKey()).getArray().getGradient();
                double[] got = g.toType(DataType.FLOAT64, false).toDoubleArray();
                g.close();
                assertEquals(e.getValue().length, got.length, e.getKey());
                double largest = 0;
                for (int i = 0; i < got.length; i++) {
                    largest = Math.max(largest, Math.abs(e.getValue()[i]));
                    assertEquals(e.getValue()[i], got[i], 1e-6 + 1e-5 * Math.abs(e.getValue()[i]),
                            t.type() + " " + e.getKey() + "[" + i + "]");
                }
                assertTrue(largest > 1e-4, t.type() + " " + e.getKey() + " has a gradient worth comparing");
            }
        }
    }
}
