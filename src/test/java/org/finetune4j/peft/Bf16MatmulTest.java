package org.finetune4j.peft;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.finetune4j.model.kernels.MatmulPrecision;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.model.llama.LlamaForCausalLMTestAccess;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MatmulPrecision#BF16} through a whole model: the logits stay within bfloat16 error of the float32 ones, and
 * LoRA and QLoRA still train (their products in bfloat16, their weights and gradients float32).
 */
class Bf16MatmulTest {
    private static final int[] IDS = {3, 8, 1, 44, 20, 7, 7, 31};

    @AfterEach
    void backToFloat32() {
        System.clearProperty(MatmulPrecision.PROPERTY);
    }

    @Test
    void logitsStayWithinBfloat16ErrorOfFloat32() {
        try (NDManager root = Djl.engine().newBaseManager()) {
            LlamaForCausalLM model = PeftTestModels.model(root, PeftTestModels.tiny(), 2, DataType.FLOAT32);
            MatmulPrecision.FP32.use();
            float[][] fp32 = LlamaForCausalLMTestAccess.logits(model, IDS);
            MatmulPrecision.BF16.use();
            float[][] bf16 = LlamaForCausalLMTestAccess.logits(model, IDS);
            double maxAbs = 0;
            double maxDiff = 0;
            for (int t = 0; t < fp32.length; t++) {
                for (int v = 0; v < fp32[t].length; v++) {
                    maxAbs = Math.max(maxAbs, Math.abs(fp32[t][v]));
                    maxDiff = Math.max(maxDiff, Math.abs(fp32[t][v] - bf16[t][v]));
                }
            }
            // each product rounds its operands and its result to 8 significant bits (2^-8 ≈ 0.004 relative)
            assertTrue(maxDiff > 0 && maxDiff < 0.05 * maxAbs, "max diff " + maxDiff + " against max " + maxAbs);
        }
    }

    @Test
    void loraAndQloraStillOverfitATinyBatch() {
        MatmulPrecision.BF16.use();
        for (TechniqueConfig t : List.of(LoraConfig.builder().optR(8).optAlpha(16).build(),
                QloraConfig.of(LoraConfig.builder().optR(8).optAlpha(16).build()))) {
            try (NDManager root = Djl.engine().newBaseManager()) {
                PeftModel peft = PeftModel.create(PeftTestModels.model(root, PeftTestModels.tiny(), 2,
                        DataType.FLOAT32), t, 5);
                double[] losses = PeftTestModels.sgd(peft, peft.trainableParameters(), PeftTestModels.batch(), 40,
                        1.0f);
                double last = PeftTestModels.loss(peft, PeftTestModels.batch());
                assertTrue(last < losses[0] / 2, t.type() + " in bf16: loss " + losses[0] + " -> " + last);
            }
        }
    }
}
