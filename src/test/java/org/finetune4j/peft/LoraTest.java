package org.finetune4j.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.data.TokenBatch;
import org.finetune4j.model.ModelResources;
import org.finetune4j.model.WeightSource;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.model.llama.LlamaForCausalLMTestAccess;
import org.finetune4j.peft.lora.LoraLinear;
import org.finetune4j.peft.lora.LoraMerger;
import org.finetune4j.peft.lora.LoraTechnique;
import org.finetune4j.peft.qlora.QloraTechnique;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;

class LoraTest {
    static final int[] IDS = {3, 8, 1, 44, 20, 7, 7, 31};

    @Test
    void stepZeroEqualsTheBaseModelExactly() {
        LlamaConfig c = PeftTestModels.tiny();
        try (NDManager root = Djl.engine().newBaseManager()) {
            LlamaForCausalLM base = PeftTestModels.model(root, c, 1, DataType.FLOAT32);
            float[][] before = LlamaForCausalLMTestAccess.logits(base, IDS);
            for (TechniqueConfig t : List.of(LoraConfig.builder().build(),
                    LoraConfig.builder().optUseDora(true).optUseRslora(true).optR(4).build())) {
                LlamaForCausalLM m = PeftTestModels.model(root, c, 1, DataType.FLOAT32);
                PeftModel peft = PeftModel.create(m, t, 7);
                float[][] after = LlamaForCausalLMTestAccess.logits(m, IDS);
                for (int i = 0; i < IDS.length; i++) {
                    assertArrayEquals(before[i], after[i], 1e-6f, t + " position " + i);
                }
                assertEquals(TechniqueType.LORA, peft.type());
            }
        }
    }

    @Test
    void namesCountsAndInitFollowPeft() {
        LlamaConfig c = PeftTestModels.tiny();
        try (NDManager root = Djl.engine().newBaseManager()) {
            PeftModel peft = PeftModel.create(PeftTestModels.model(root, c, 1, DataType.FLOAT32),
                    LoraConfig.builder().optR(8).optAlpha(16).build(), 3);
            Map<String, Parameter> tp = peft.trainableParameters();
            assertTrue(tp.containsKey("model.layers.0.self_attn.q_proj.lora_A.weight"), tp.keySet().toString());
            assertTrue(tp.containsKey("model.layers.1.mlp.down_proj.lora_B.weight"));
            assertEquals(2 * 7 * 2, tp.size()); // 2 layers × 7 projections × (A, B)
            // r·(in + out) per projection: q,o: 32+32; k,v: 32+16; gate,up: 32+48; down: 48+32
            long perLayer = 8L * ((32 + 32) * 2 + (32 + 16) * 2 + (32 + 48) * 3);
            assertEquals(2 * perLayer, peft.report().trainableParameters());
            LoraLinear q = (LoraLinear) peft.base().findModule("model.layers.0.self_attn.q_proj").orElseThrow();
            assertEquals(2.0f, q.scaling());
            float[] a = q.loraA().weight().toFloatArray();
            double bound = 1 / Math.sqrt(32);
            double maxAbs = 0;
            for (float v : a) {
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
            assertTrue(maxAbs <= bound && maxAbs > 0.8 * bound, "Kaiming-uniform bound " + bound + ", max " + maxAbs);
            for (float v : q.loraB().weight().toFloatArray()) {
                assertEquals(0f, v);
            }
            assertFalse(peft.base().findModule("model.layers.0.self_attn.q_proj.base_layer").orElseThrow()
                    .namedParameters().get("weight").requiresGradient());
        }
    }

    @Test
    void rsLoraScalesByAlphaOverSqrtR() {
        assertEquals(16 / Math.sqrt(16), LoraConfig.builder().optUseRslora(true).build().scaling(), 1e-12);
        assertEquals(1.0, LoraConfig.builder().build().scaling(), 1e-12);
    }

    @Test
    void aTargetTypoFailsWithTheListOfModules() {
        try (NDManager root = Djl.engine().newBaseManager()) {
            LlamaForCausalLM m = PeftTestModels.model(root, PeftTestModels.tiny(), 1, DataType.FLOAT32);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PeftModel.create(m,
                    LoraConfig.builder().optTargetModules(List.of("q_proj", "qv_proj")).build(), 1));
            assertTrue(e.getMessage().contains("'qv_proj'"), e.getMessage());
            assertTrue(e.getMessage().contains("down_proj, gate_proj, k_proj, lm_head, o_proj, q_proj, up_proj, v_proj"),
                    e.getMessage());
        }
    }

    /**
     * Finite differences in float64 against the analytic gradient: LoRA's A and B, and DoRA's magnitude.
     * DoRA's A/B gradients are deliberately not the true gradient (the row norm is detached, DoRA §4.3,
     * as PEFT does), so finite differences only apply to its magnitude vector.
     */
    @Test
    void analyticGradientsMatchFiniteDifferences() {
        LlamaConfig c = PeftTestModels.tiny();
        TokenBatch batch = PeftTestModels.batch();
        for (boolean dora : new boolean[] {false, true}) {
            try (NDManager root = Djl.engine().newBaseManager()) {
                PeftModel peft = PeftModel.create(PeftTestModels.model(root, c, 2, DataType.FLOAT64),
                        LoraConfig.builder().optR(4).optAlpha(8).optUseDora(dora).build(), 5);
                randomizeB(peft, 9);
                Map<String, Parameter> params = peft.trainableParameters();
                Map<String, double[]> grads = PeftTestModels.gradients(peft, params, batch);
                Random rnd = new Random(1);
                int checked = 0;
                for (String name : dora ? List.<String>of() : List.of("model.layers.0.self_attn.q_proj.lora_A.weight",
                        "model.layers.1.mlp.down_proj.lora_B.weight", "model.layers.0.self_attn.v_proj.lora_B.weight")) {
                    checked += checkCoordinates(peft, params.get(name), grads.get(name), batch, rnd, name);
                }
                if (dora) {
                    for (String name : List.of("model.layers.1.self_attn.o_proj.lora_magnitude_vector",
                            "model.layers.0.mlp.gate_proj.lora_magnitude_vector")) {
                        checked += checkCoordinates(peft, params.get(name), grads.get(name), batch, rnd, name);
                    }
                }
                assertTrue(checked >= 6);
            }
        }
    }

    static int checkCoordinates(PeftModel peft, Parameter p, double[] grad, TokenBatch b, Random rnd, String name) {
        NDArray a = p.getArray();
        double[] values = a.toDoubleArray();
        int n = 0;
        for (int k = 0; k < 3; k++) {
            int i = rnd.nextInt(values.length);
            double eps = 1e-6;
            double[] plus = values.clone();
            plus[i] += eps;
            a.set(plus);
            double lp = PeftTestModels.loss(peft, b);
            double[] minus = values.clone();
            minus[i] -= eps;
            a.set(minus);
            double lm = PeftTestModels.loss(peft, b);
            a.set(values);
            double numeric = (lp - lm) / (2 * eps);
            double err = Math.abs(numeric - grad[i]) / Math.max(1e-6, Math.abs(numeric) + Math.abs(grad[i]));
            assertTrue(err < 1e-4, name + "[" + i + "]: analytic " + grad[i] + " vs numeric " + numeric);
            n++;
        }
        return n;
    }

    /** Non-zero B so the adapter changes the model (PEFT's init starts at zero). */
    static void randomizeB(PeftModel peft, long seed) {
        Random r = new Random(seed);
        peft.trainableParameters().forEach((n, p) -> {
            if (n.endsWith("lora_B.weight")) {
                NDArray a = p.getArray();
                double[] v = new double[(int) a.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = r.nextGaussian() * 0.2;
                }
                if (a.getDataType() == DataType.FLOAT64) {
                    a.set(v);
                } else {
                    float[] f = new float[v.length];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = (float) v[i];
                    }
                    a.set(f);
                }
            }
        });
    }

    @Test
    void oneUpdateChangesOnlyTrainableTensors() {
        try (NDManager root = Djl.engine().newBaseManager()) {
            PeftModel peft = PeftModel.create(PeftTestModels.model(root, PeftTestModels.tiny(), 2, DataType.FLOAT32),
                    LoraConfig.builder().optR(4).optModulesToSave(List.of("lm_head")).build(), 5);
            Map<String, float[]> before = new HashMap<>();
            peft.base().namedParameters().forEach((n, p) -> before.put(n, p.getArray().toFloatArray()));
            PeftTestModels.sgd(peft, peft.trainableParameters(), PeftTestModels.batch(), 1, 0.5f);
            peft.base().namedParameters().forEach((n, p) -> {
                boolean changed = !java.util.Arrays.equals(before.get(n), p.getArray().toFloatArray());
                boolean trainable = peft.trainableParameters().containsKey(n);
                // lora_A does not move on step 1: its gradient is 0 while B is still 0
                if (!n.endsWith("lora_A.weight")) {
                    assertEquals(trainable, changed, n);
                }
            });
            assertTrue(peft.trainableParameters().containsKey("lm_head.weight"));
        }
    }

    @Test
    void modulesToSaveMatchesByNameSuffixLikePeft() {
        try (NDManager root = Djl.engine().newBaseManager()) {
            PeftModel peft = PeftModel.create(PeftTestModels.model(root, PeftTestModels.tiny(), 2, DataType.FLOAT32),
                    LoraConfig.builder().optR(4).optModulesToSave(List.of("embed_tokens")).build(), 5);
            assertTrue(peft.trainableParameters().containsKey("model.embed_tokens.weight"));
            assertFalse(peft.trainableParameters().containsKey("model.norm.weight"));
            LlamaForCausalLM other = PeftTestModels.model(root, PeftTestModels.tiny(), 2, DataType.FLOAT32);
            assertThrows(IllegalArgumentException.class, () -> PeftModel.create(other,
                    LoraConfig.builder().optModulesToSave(List.of("embed_tokenz")).build(), 5));
        }
    }

    @Test
    void everyLoraVariantOverfitsATinyBatch() {
        for (TechniqueConfig t : List.of(LoraConfig.builder().optR(8).optAlpha(16).build(),
                LoraConfig.builder().optR(8).optAlpha(16).optUseDora(true).build(),
                QloraConfig.of(LoraConfig.builder().optR(8).optAlpha(16).build()),
                FullFineTuningConfig.all())) {
            try (NDManager root = Djl.engine().newBaseManager()) {
                PeftModel peft = PeftModel.create(PeftTestModels.model(root, PeftTestModels.tiny(), 2, DataType.FLOAT32), t, 5);
                double[] losses = PeftTestModels.sgd(peft, peft.trainableParameters(), PeftTestModels.batch(), 40,
                        t instanceof FullFineTuningConfig ? 0.5f : 1.0f);
                double last = PeftTestModels.loss(peft, PeftTestModels.batch());
                assertTrue(last < losses[0] / 2, t.type() + ": loss " + losses[0] + " -> " + last);
            }
        }
    }

    /** Merging W + s·B·A (DoRA: magnitude-normalised; QLoRA: dequantised first) equals base + adapter. */
    @Test
    void mergedWeightsGiveTheAdaptedLogits() {
        LlamaConfig c = PeftTestModels.tiny();
        for (TechniqueConfig t : List.of(LoraConfig.builder().optR(4).build(),
                LoraConfig.builder().optR(4).optUseRslora(true).build(),
                LoraConfig.builder().optR(4).optUseDora(true).build(),
                QloraConfig.of(LoraConfig.builder().optR(4).optUseDora(true).build()))) {
            try (NDManager root = Djl.engine().newBaseManager()) {
                PeftModel peft = PeftModel.create(PeftTestModels.model(root, c, 2, DataType.FLOAT32), t, 5);
                randomizeB(peft, 4);
                float[][] adapted = LlamaForCausalLMTestAccess.logits(peft.base(), IDS);
                LoraTechnique lora = t instanceof QloraConfig ? ((QloraTechnique) peft.technique()).lora()
                        : (LoraTechnique) peft.technique();
                LlamaForCausalLM merged = LlamaForCausalLM.fromWeights(c,
                        WeightSource.of(LoraMerger.mergedStateDict(peft.base(), lora), "merged"),
                        ModelResources.create(root, DevicePolicy.cpu()));
                float[][] got = LlamaForCausalLMTestAccess.logits(merged, IDS);
                double worst = 0;
                for (int i = 0; i < IDS.length; i++) {
                    for (int v = 0; v < c.vocabSize(); v++) {
                        worst = Math.max(worst, Math.abs(adapted[i][v] - got[i][v]));
                    }
                }
                assertTrue(worst < 1e-4, t + ": max diff " + worst);
                float[][] base = LlamaForCausalLMTestAccess.logits(PeftTestModels.model(root, c, 2, DataType.FLOAT32), IDS);
                assertTrue(Math.abs(base[3][0] - adapted[3][0]) > 1e-3, "the adapter must change the model");
            }
        }
    }

    @Test
    void qloraStoresFrozenWeightsAtAboutFourBits() {
        LlamaConfig c = LlamaConfig.builder().setVocabSize(64).setHiddenSize(256).setIntermediateSize(512)
                .setNumHiddenLayers(2).setNumAttentionHeads(4).build();
        try (NDManager root = Djl.engine().newBaseManager()) {
            PeftModel peft = PeftModel.create(PeftTestModels.model(root, c, 2, DataType.FLOAT32),
                    QloraConfig.of(LoraConfig.builder().build()), 5);
            TechniqueReport r = peft.report();
            long linearParams = 2L * (4 * 256 * 256 + 3 * 256 * 512);
            assertEquals(linearParams, r.quantizedParameters());
            assertTrue(r.quantizedBitsPerParameter() > 4.12 && r.quantizedBitsPerParameter() < 4.135,
                    "bits/param " + r.quantizedBitsPerParameter());
            assertTrue(r.quantizedRatio() <= 0.135, "ratio " + r.quantizedRatio());
            assertEquals(r.trainableParameters() * 8, r.optimizerStateBytes());
        }
    }
}
