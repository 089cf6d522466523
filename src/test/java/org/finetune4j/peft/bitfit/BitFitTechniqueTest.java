package org.finetune4j.peft.bitfit;

import static org.finetune4j.peft.PeftTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.config.ModelType;
import org.finetune4j.model.ModelResources;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.BitFitConfig;
import org.finetune4j.peft.PeftModel;
import org.junit.jupiter.api.Test;

class BitFitTechniqueTest {

    @Test
    void addedZeroBiasesLeaveTheModelUnchanged() {
        try (NDManager root = root()) {
            double[] base = logits(base(root, F32), batch());
            PeftModel model = PeftModel.create(base(root, F32), BitFitConfig.allProjections(), 0);
            assertArrayEquals(base, logits(model, batch()), 1e-6);
            // q 16+... per layer: q 32, k 16, v 16, o 32, gate 48, up 48, down 32 = 224
            assertEquals(2 * 224, model.report().trainableParameters());
            assertTrue(model.trainableParameters().containsKey("model.layers.0.self_attn.q_proj.bias"));
            assertTrue(model.base().namedParameters().containsKey("model.layers.1.mlp.down_proj.bias"));
            assertEquals(14, ((BitFitTechnique) model.technique()).addedBiases().size());
        }
    }

    @Test
    void existingBiasesAreUnfrozenNotReplaced() {
        LlamaConfig c = LlamaConfig.builder().setModelType(ModelType.QWEN2).setVocabSize(61).setHiddenSize(32)
                .setIntermediateSize(48).setNumHiddenLayers(1).setNumAttentionHeads(4).optNumKeyValueHeads(2)
                .optMaxPositionEmbeddings(64).build();
        try (NDManager root = root()) {
            LlamaForCausalLM base = LlamaForCausalLM.fromWeights(c, LlamaForCausalLM.randomWeights(c, 1, 0.3),
                    ModelResources.create(root, F32));
            var qBias = base.namedParameters().get("model.layers.0.self_attn.q_proj.bias");
            PeftModel model = PeftModel.create(base, new BitFitConfig(List.of("q_proj", "o_proj")), 0);
            assertTrue(model.trainableParameters().get("model.layers.0.self_attn.q_proj.bias") == qBias);
            assertEquals(List.of("model.layers.0.self_attn.o_proj"), ((BitFitTechnique) model.technique()).addedBiases());
        }
    }

    @Test
    void overfitsAndOnlyBiasesChange() {
        try (NDManager root = root()) {
            PeftModel model = PeftModel.create(base(root, F32), BitFitConfig.allProjections(), 0);
            Map<String, byte[]> before = snapshot(model);
            double[] losses = train(model, batch(), 40, 0.05);
            assertTrue(losses[losses.length - 1] < losses[0] / 2, "loss " + losses[0] + " -> " + losses[losses.length - 1]);
            Map<String, byte[]> after = snapshot(model);
            before.forEach((name, bytes) -> assertEquals(!name.endsWith(".bias"), Arrays.equals(bytes, after.get(name)), name));
        }
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        try (NDManager root = root()) {
            PeftModel model = PeftModel.create(base(root, F64), BitFitConfig.allProjections(), 0);
            checkGradient(model, batch(), "model.layers.0.self_attn.v_proj.bias", 0, 9, 15);
            checkGradient(model, batch(), "model.layers.1.mlp.down_proj.bias", 2, 30);
        }
    }

    @Test
    void unknownTargetIsAnError() {
        try (NDManager root = root()) {
            var base = base(root, F32);
            assertThrows(IllegalArgumentException.class, () -> PeftModel.create(base, new BitFitConfig(List.of("qkv")), 0));
        }
    }
}
