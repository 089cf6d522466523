package org.finetune4j.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.finetune4j.data.TokenBatch;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.model.llama.LlamaForCausalLMTestAccess;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;

/** NEFTune through {@link PeftModel}: noise in training forwards only, and training still works with it. */
class NeftuneTest {
    static final int[] IDS = {3, 8, 1, 44, 20, 7, 7, 31};

    @Test
    void noiseOnlyWhileTraining() {
        try (NDManager root = Djl.engine().newBaseManager()) {
            LlamaForCausalLM base = PeftTestModels.model(root, PeftTestModels.tiny(), 1, DataType.FLOAT32);
            float[][] plain = LlamaForCausalLMTestAccess.logits(base, IDS);
            PeftModel peft = PeftModel.create(PeftTestModels.model(root, PeftTestModels.tiny(), 1, DataType.FLOAT32),
                    LoraConfig.builder().build(), 7).setNeftuneNoiseAlpha(15);
            assertEquals(15, peft.neftuneNoiseAlpha());
            assertArrayEquals(plain[5], LlamaForCausalLMTestAccess.logits(peft, IDS)[5], 1e-6f, "not training yet");
            peft.setTraining(true);
            Engine.getInstance().setRandomSeed(3);
            float[][] noisy = LlamaForCausalLMTestAccess.logits(peft, IDS);
            assertNotEquals(plain[5][0], noisy[5][0], "training forwards see the noise");
            peft.setTraining(false);
            assertArrayEquals(plain[5], LlamaForCausalLMTestAccess.logits(peft, IDS)[5], 1e-6f, "evaluation is clean");
            assertThrows(IllegalArgumentException.class, () -> peft.setNeftuneNoiseAlpha(-5));
        }
    }

    @Test
    void loraStillOverfitsATinyBatchWithNoise() {
        try (NDManager root = Djl.engine().newBaseManager()) {
            PeftModel peft = PeftModel.create(PeftTestModels.model(root, PeftTestModels.tiny(), 2, DataType.FLOAT32),
                    LoraConfig.builder().optR(8).optAlpha(16).build(), 5).setNeftuneNoiseAlpha(5);
            TokenBatch batch = PeftTestModels.batch();
            peft.setTraining(true);
            double[] losses = PeftTestModels.sgd(peft, peft.trainableParameters(), batch, 40, 1.0f);
            peft.setTraining(false);
            double last = PeftTestModels.loss(peft, batch);
            assertTrue(last < losses[0] / 2, "loss " + losses[0] + " -> " + last);
        }
    }
}
