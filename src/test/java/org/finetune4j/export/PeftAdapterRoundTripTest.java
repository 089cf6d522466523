package org.finetune4j.export;

import static org.finetune4j.export.ExportFixtures.IDS;
import static org.finetune4j.export.ExportFixtures.logits;
import static org.finetune4j.export.ExportFixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.safetensors.SafetensorsFile;
import org.finetune4j.peft.LoraConfig;
import org.finetune4j.peft.LoraInit;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.QloraConfig;
import org.finetune4j.peft.TechniqueType;
import org.finetune4j.peft.lora.LoraLinear;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeftAdapterRoundTripTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String Q0 = "base_model.model.model.layers.0.self_attn.q_proj";

    @TempDir
    Path tmp;

    @Test
    void savedTensorNamesShapesAndConfigAreExactlyPefts() throws IOException {
        LlamaConfig c = ExportFixtures.tinyConfig(false);
        Map<String, HostTensor> w = ExportFixtures.weights(c, 21);
        Path dir = tmp.resolve("adapter");
        LoraConfig config = LoraConfig.builder().optR(4).optAlpha(8).optDropout(0.05)
                .optTargetModules(List.of("v_proj", "q_proj", "down_proj", "k_proj")).build();
        try (NDManager root = Djl.engine().newBaseManager();
                PeftModel peft = PeftModel.create(ExportFixtures.model(root, c, w), config, 1)) {
            PeftAdapterWriter.save(peft, dir, "HuggingFaceTB/SmolLM2-135M-Instruct");
        }
        Set<String> expected = new TreeSet<>();
        for (int layer = 0; layer < 2; layer++) {
            for (String m : List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "mlp.down_proj")) {
                expected.add("base_model.model.model.layers." + layer + "." + m + ".lora_A.weight");
                expected.add("base_model.model.model.layers." + layer + "." + m + ".lora_B.weight");
            }
        }
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
            assertEquals(expected, new TreeSet<>(f.names()));
            assertEquals(Map.of("format", "pt"), f.metadata());
            assertArrayEquals(new long[] {4, 32}, f.info(Q0 + ".lora_A.weight").shape());
            assertArrayEquals(new long[] {32, 4}, f.info(Q0 + ".lora_B.weight").shape());
            assertArrayEquals(new long[] {16, 4},
                    f.info("base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight").shape());
            assertArrayEquals(new long[] {4, 48},
                    f.info("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight").shape());
            // PEFT's init: B = 0 and A ~ U(-1/sqrt(in), 1/sqrt(in))
            float[] b = ExportFixtures.floats(f.get(Q0 + ".lora_B.weight"));
            for (float v : b) {
                assertEquals(0f, v);
            }
            float bound = (float) (1 / Math.sqrt(32));
            for (float v : ExportFixtures.floats(f.get(Q0 + ".lora_A.weight"))) {
                assertTrue(Math.abs(v) <= bound && v != 0f);
            }
        }
        String text = Files.readString(dir.resolve("adapter_config.json"));
        // json.dumps(indent=2, sort_keys=True) layout
        assertTrue(text.startsWith("{\n  \"alpha_pattern\": {},\n  \"auto_mapping\": null,\n"), text);
        assertTrue(text.contains("\n  \"target_modules\": [\n    \"down_proj\",\n    \"k_proj\","), text);
        JsonNode cfg = JSON.readTree(text);
        List<String> keys = new ArrayList<>();
        cfg.fieldNames().forEachRemaining(keys::add);
        assertEquals(new ArrayList<>(new TreeSet<>(keys)), keys, "PEFT writes its config with sorted keys");
        assertEquals("LORA", cfg.get("peft_type").asText());
        assertEquals("CAUSAL_LM", cfg.get("task_type").asText());
        assertEquals("HuggingFaceTB/SmolLM2-135M-Instruct", cfg.get("base_model_name_or_path").asText());
        assertTrue(cfg.get("revision").isNull());
        assertTrue(cfg.get("inference_mode").asBoolean());
        assertTrue(cfg.get("r").isInt());
        assertEquals(4, cfg.get("r").asInt());
        assertTrue(cfg.get("lora_alpha").isIntegralNumber(), "PEFT's lora_alpha is an int: " + cfg.get("lora_alpha"));
        assertEquals(8, cfg.get("lora_alpha").asInt());
        assertEquals(0.05, cfg.get("lora_dropout").asDouble());
        assertEquals(JSON.readTree("[\"down_proj\",\"k_proj\",\"q_proj\",\"v_proj\"]"), cfg.get("target_modules"));
        assertEquals("none", cfg.get("bias").asText());
        assertEquals(false, cfg.get("fan_in_fan_out").asBoolean());
        assertEquals(false, cfg.get("use_rslora").asBoolean());
        assertEquals(false, cfg.get("use_dora").asBoolean());
        assertTrue(cfg.get("modules_to_save").isNull());
        assertTrue(cfg.get("init_lora_weights").isBoolean() && cfg.get("init_lora_weights").asBoolean());
        assertTrue(cfg.get("layers_to_transform").isNull());
        assertTrue(cfg.get("layers_pattern").isNull());
        assertTrue(cfg.get("rank_pattern").isObject() && cfg.get("rank_pattern").isEmpty());
        assertTrue(cfg.get("alpha_pattern").isObject() && cfg.get("alpha_pattern").isEmpty());
        assertEquals(false, cfg.get("lora_bias").asBoolean());
        String card = Files.readString(dir.resolve("README.md"));
        assertTrue(card.contains("base_model: HuggingFaceTB/SmolLM2-135M-Instruct"), card);
        assertTrue(card.contains("library_name: peft"), card);
        assertTrue(card.contains("| r | 4 |"), card);
        // 2 layers x (q: 4*(32+32) + k,v: 4*(32+16) each + down: 4*(48+32)) = 2 * 960
        assertTrue(card.contains("| trainable parameters | 1,920 |"), card);
    }

    @Test
    void doraRsloraAndModulesToSaveRoundTripToIdenticalLogits() throws IOException {
        LlamaConfig c = ExportFixtures.tinyConfig(false);
        Map<String, HostTensor> w = ExportFixtures.weights(c, 22);
        Path dir = tmp.resolve("dora");
        LoraConfig config = LoraConfig.builder().optR(4).optAlpha(16).optUseDora(true).optUseRslora(true)
                .optInit(LoraInit.GAUSSIAN).optTargetModules(List.of("all-linear"))
                .optModulesToSave(List.of("lm_head")).build();
        try (NDManager root = Djl.engine().newBaseManager()) {
            float[][] expected;
            float[][] baseLogits;
            try (PeftModel peft = PeftModel.create(ExportFixtures.model(root, c, w), config, 1)) {
                baseLogits = logits(peft, IDS);
                ExportFixtures.trainLikeUpdate(peft, 2);
                Parameter head = peft.base().namedParameters().get("lm_head.weight");
                float[] h = head.getArray().toFloatArray();
                h[5] += 0.5f; // a trained head row
                PeftAdapterReader.copyInto(head, h);
                expected = logits(peft, IDS);
                PeftAdapterWriter.save(peft, dir, null);
            }
            try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
                assertArrayEquals(new long[] {32}, f.info(Q0 + ".lora_magnitude_vector").shape());
                assertArrayEquals(new long[] {61, 32}, f.info("base_model.model.lm_head.weight").shape());
                assertEquals(2 * 7 * 3 + 1, f.names().size());
            }
            JsonNode cfg = JSON.readTree(dir.resolve("adapter_config.json").toFile());
            assertEquals(JSON.readTree("[\"down_proj\",\"gate_proj\",\"k_proj\",\"o_proj\",\"q_proj\",\"up_proj\","
                    + "\"v_proj\"]"), cfg.get("target_modules"), "all-linear is saved expanded, as PEFT does");
            assertEquals("gaussian", cfg.get("init_lora_weights").asText());
            assertEquals(JSON.readTree("[\"lm_head\"]"), cfg.get("modules_to_save"));
            assertTrue(cfg.get("use_dora").asBoolean() && cfg.get("use_rslora").asBoolean());

            try (PeftModel loaded = PeftAdapterReader.load(ExportFixtures.model(root, c, w), dir)) {
                assertEquals(TechniqueType.LORA, loaded.type());
                LoraConfig lc = (LoraConfig) loaded.technique().config();
                assertTrue(lc.useDora() && lc.useRslora());
                assertEquals(4, lc.r());
                float[][] actual = logits(loaded, IDS);
                assertEquals(0.0, maxAbsDiff(actual, expected), "adapter round trip must be exact");
                assertTrue(maxAbsDiff(actual, baseLogits) > 1e-2);
            }
        }
    }

    @Test
    void qloraAdapterLoadsAsQloraOrAsPlainLora() throws IOException {
        LlamaConfig c = ExportFixtures.tinyConfig(false);
        Map<String, HostTensor> w = ExportFixtures.weights(c, 23);
        Path dir = tmp.resolve("qlora");
        LoraConfig lora = LoraConfig.builder().optR(4).optAlpha(8).build();
        try (NDManager root = Djl.engine().newBaseManager()) {
            float[][] qloraLogits;
            float[][] plainWithSameAdapter;
            Map<String, HostTensor> saved;
            try (PeftModel q = PeftModel.create(ExportFixtures.model(root, c, w), QloraConfig.of(lora), 1)) {
                ExportFixtures.trainLikeUpdate(q, 2);
                qloraLogits = logits(q, IDS);
                PeftAdapterWriter.save(q, dir, "base");
                saved = PeftAdapterWriter.adapterStateDict(q);
            }
            try (PeftModel reloaded = PeftAdapterReader.load(ExportFixtures.model(root, c, w), dir, QloraConfig::of)) {
                assertEquals(TechniqueType.QLORA, reloaded.type());
                assertEquals(0.0, maxAbsDiff(logits(reloaded, IDS), qloraLogits));
            }
            try (PeftModel plain = PeftAdapterReader.load(ExportFixtures.model(root, c, w), dir)) {
                assertEquals(TechniqueType.LORA, plain.type());
                plainWithSameAdapter = logits(plain, IDS);
                assertEquals(saved.keySet(), PeftAdapterWriter.adapterStateDict(plain).keySet());
                for (String k : saved.keySet()) {
                    assertEquals(saved.get(k), PeftAdapterWriter.adapterStateDict(plain).get(k), k);
                }
            }
            // same adapter, but the float base is not the 4-bit one
            assertTrue(maxAbsDiff(plainWithSameAdapter, qloraLogits) > 0);
        }
    }

    @Test
    void loadingKeepsTheParameterObjectsTheTechniqueCreated() throws IOException {
        LlamaConfig c = ExportFixtures.tinyConfig(false);
        Map<String, HostTensor> w = ExportFixtures.weights(c, 24);
        Path dir = tmp.resolve("same");
        try (NDManager root = Djl.engine().newBaseManager()) {
            try (PeftModel peft = PeftModel.create(ExportFixtures.model(root, c, w), LoraConfig.builder().optR(2).build(), 1)) {
                ExportFixtures.trainLikeUpdate(peft, 3);
                PeftAdapterWriter.save(peft, dir, null);
            }
            try (PeftModel loaded = PeftAdapterReader.load(ExportFixtures.model(root, c, w), dir)) {
                LoraLinear q0 = LoraParts.of(loaded, "test").technique().wrappedLayers()
                        .get("model.layers.0.self_attn.q_proj");
                Parameter b = loaded.trainableParameters().get("model.layers.0.self_attn.q_proj.lora_B.weight");
                assertSame(q0.loraB().weightParameter(), b);
                assertTrue(b.requiresGradient());
                float[] values = b.getArray().toFloatArray();
                assertTrue(nonZero(values), "B must hold the saved, non-zero values");
            }
        }
    }

    @Test
    void onlyLoraModelsHaveAPeftLoraAdapter() {
        LlamaConfig c = ExportFixtures.tinyConfig(false);
        try (NDManager root = Djl.engine().newBaseManager();
                PeftModel full = PeftModel.create(ExportFixtures.model(root, c, ExportFixtures.weights(c, 1)),
                        org.finetune4j.peft.FullFineTuningConfig.all(), 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PeftAdapterWriter.save(full, tmp.resolve("x"), null));
            assertTrue(e.getMessage().contains("FULL"), e.getMessage());
            assertTrue(Files.notExists(tmp.resolve("x")));
        }
    }

    private static boolean nonZero(float[] v) {
        for (float x : v) {
            if (x != 0f) {
                return true;
            }
        }
        return false;
    }
}
