package org.finetune4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Map;
import org.finetune4j.peft.FullFineTuningConfig;
import org.finetune4j.peft.LoraConfig;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.PeftTestModels;
import org.finetune4j.peft.PromptTuningConfig;
import org.finetune4j.peft.PromptInit;
import org.finetune4j.peft.TechniqueConfig;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;

class CheckpointedBackpropTest {

    /** Recomputing layer by layer must give exactly the gradients of one recorded backward. */
    @Test
    void gradientsEqualPlainBackprop() {
        for (TechniqueConfig t : List.of(LoraConfig.builder().optR(4).optUseDora(true).build(), FullFineTuningConfig.all())) {
            try (NDManager root = Djl.engine().newBaseManager()) {
                PeftModel plain = PeftModel.create(PeftTestModels.model(root, PeftTestModels.tiny(), 3, DataType.FLOAT32), t, 1);
                PeftModel ckpt = PeftModel.create(PeftTestModels.model(root, PeftTestModels.tiny(), 3, DataType.FLOAT32), t, 1);
                // a non-zero LoRA B so the adapter path carries gradient into A
                PeftTestModels.sgd(plain, plain.trainableParameters(), PeftTestModels.batch(), 1, 0.5f);
                PeftTestModels.sgd(ckpt, ckpt.trainableParameters(), PeftTestModels.batch(), 1, 0.5f);
                Map<String, double[]> expected = PeftTestModels.gradients(plain, plain.trainableParameters(), PeftTestModels.batch());
                ckpt.trainableParameters().values().forEach(p -> ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) p.getArray()));
                double loss;
                try (NDManager step = ckpt.resources().newStepManager()) {
                    loss = new CheckpointedBackprop(ckpt).accumulateGradients(PeftTestModels.batch(),
                            1f / PeftTestModels.batch().targetCount(), step);
                }
                assertEquals(PeftTestModels.loss(plain, PeftTestModels.batch()) * PeftTestModels.batch().targetCount(), loss, 1e-4);
                for (Map.Entry<String, double[]> e : expected.entrySet()) {
                    ai.djl.ndarray.NDArray g = ckpt.trainableParameters().get(e.getKey()).getArray().getGradient();
                    double[] got = g.toType(DataType.FLOAT64, false).toDoubleArray();
                    g.close();
                    for (int i = 0; i < got.length; i++) {
                        assertEquals(e.getValue()[i], got[i], 1e-6 + 1e-5 * Math.abs(e.getValue()[i]), t.type() + " " + e.getKey() + "[" + i + "]");
                    }
                }
                assertEquals(expected.keySet(), ckpt.trainableParameters().keySet());
            }
        }
    }

    @Test
    void techniquesThatChangeTheForwardAreRefused() {
        try (NDManager root = Djl.engine().newBaseManager()) {
            PeftModel p;
            try {
                p = PeftModel.create(PeftTestModels.model(root, PeftTestModels.tiny(), 3, DataType.FLOAT32),
                        new PromptTuningConfig(4, PromptInit.RANDOM, null), 1);
            } catch (UnsupportedOperationException notYet) {
                return; // prompt tuning lands in its own change
            }
            assertThrows(IllegalArgumentException.class, () -> new CheckpointedBackprop(p));
        }
    }
}
