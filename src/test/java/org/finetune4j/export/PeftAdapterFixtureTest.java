package org.finetune4j.export;

import static org.finetune4j.export.ExportFixtures.IDS;
import static org.finetune4j.export.ExportFixtures.logits;
import static org.finetune4j.export.ExportFixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.safetensors.SafetensorsWriter;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.LoraConfig;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An adapter written by hand the way PEFT writes one (a current PEFT's full key set, names with and
 * without the {@code .default} segment) must give the logits of base weights merged by hand.
 */
class PeftAdapterFixtureTest {
    static final int R = 4;
    static final double ALPHA = 8;

    /** adapter_config.json as a recent PEFT writes it for q_proj/v_proj, r 4, alpha 8 (keys it has, sorted). */
    static String peftConfigJson(String targetModulesJson) {
        return """
                {
                  "alpha_pattern": {},
                  "auto_mapping": null,
                  "base_model_name_or_path": "HuggingFaceTB/SmolLM2-135M-Instruct",
                  "bias": "none",
                  "corda_config": null,
                  "eva_config": null,
                  "exclude_modules": null,
                  "fan_in_fan_out": false,
                  "inference_mode": true,
                  "init_lora_weights": true,
                  "layer_replication": null,
                  "layers_pattern": null,
                  "layers_to_transform": null,
                  "loftq_config": {},
                  "lora_alpha": 8,
                  "lora_bias": false,
                  "lora_dropout": 0.1,
                  "megatron_config": null,
                  "megatron_core": "megatron.core",
                  "modules_to_save": null,
                  "peft_type": "LORA",
                  "r": 4,
                  "rank_pattern": {},
                  "revision": null,
                  "target_modules": %s,
                  "task_type": "CAUSAL_LM",
                  "trainable_token_indices": null,
                  "use_dora": false,
                  "use_rslora": false
                }""".formatted(targetModulesJson);
    }

    static final String Q_AND_V = "[\n    \"v_proj\",\n    \"q_proj\"\n  ]";

    /** The projections the fixture adapts, by HF module path. */
    static List<String> adaptedModules() {
        return List.of("model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj",
                "model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj");
    }

    /**
     * Hand-made A (r, in) and B (out, r) for every adapted module, keyed by module path; layer 1 is stored
     * under PEFT's in-memory names with the {@code .default} adapter segment.
     */
    static Map<String, HostTensor> adapterTensors(LlamaConfig c, long seed) {
        Random rnd = new Random(seed);
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (String m : adaptedModules()) {
            int in = c.hiddenSize();
            int outF = m.endsWith("q_proj") ? c.numAttentionHeads() * c.headDim() : c.numKeyValueHeads() * c.headDim();
            float[] a = new float[R * in];
            float[] b = new float[outF * R];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (rnd.nextGaussian() * 0.3);
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) (rnd.nextGaussian() * 0.3);
            }
            String seg = m.startsWith("model.layers.1.") ? ".default" : "";
            out.put("base_model.model." + m + ".lora_A" + seg + ".weight", HostTensor.ofFloats(a, R, in));
            out.put("base_model.model." + m + ".lora_B" + seg + ".weight", HostTensor.ofFloats(b, outF, R));
        }
        return out;
    }

    static Path writeAdapter(Path dir, String configJson, Map<String, HostTensor> tensors) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("adapter_config.json"), configJson);
        SafetensorsWriter.write(dir.resolve("adapter_model.safetensors"), tensors, null);
        return dir;
    }

    /** W' = W + alpha/r · B·A for every adapted module, in plain Java (float64 accumulation). */
    static Map<String, HostTensor> mergedByHand(Map<String, HostTensor> base, Map<String, HostTensor> adapter) {
        Map<String, HostTensor> merged = new LinkedHashMap<>(base);
        double scale = ALPHA / R;
        for (String m : adaptedModules()) {
            String seg = m.startsWith("model.layers.1.") ? ".default" : "";
            HostTensor a = adapter.get("base_model.model." + m + ".lora_A" + seg + ".weight");
            HostTensor b = adapter.get("base_model.model." + m + ".lora_B" + seg + ".weight");
            HostTensor w = base.get(m + ".weight");
            int out = (int) w.shape()[0];
            int in = (int) w.shape()[1];
            float[] av = ExportFixtures.floats(a);
            float[] bv = ExportFixtures.floats(b);
            float[] wv = ExportFixtures.floats(w);
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    double d = 0;
                    for (int k = 0; k < R; k++) {
                        d += bv[o * R + k] * (double) av[k * in + i];
                    }
                    wv[o * in + i] = (float) (wv[o * in + i] + scale * d);
                }
            }
            merged.put(m + ".weight", HostTensor.ofFloats(wv, out, in));
        }
        return merged;
    }

    @TempDir
    Path tmp;

    @Test
    void handWrittenPeftAdapterMatchesHandMergedWeights() throws IOException {
        checkAgainstHandMerge(Q_AND_V);
    }

    @Test
    void regexTargetModulesSelectTheSameLayers() throws IOException {
        // PEFT full-matches a string target_modules against module names
        checkAgainstHandMerge("\"model\\\\.layers\\\\.\\\\d+\\\\.self_attn\\\\.(q|v)_proj\"");
    }

    private void checkAgainstHandMerge(String targets) throws IOException {
        LlamaConfig c = ExportFixtures.tinyConfig(false);
        Map<String, HostTensor> w = ExportFixtures.weights(c, 31);
        Map<String, HostTensor> adapter = adapterTensors(c, 32);
        Path dir = writeAdapter(tmp.resolve("fixture"), peftConfigJson(targets), adapter);
        try (NDManager root = Djl.engine().newBaseManager()) {
            float[][] expected;
            float[][] baseLogits;
            try (LlamaForCausalLM merged = ExportFixtures.model(root, c, mergedByHand(w, adapter))) {
                expected = logits(merged, IDS);
            }
            try (LlamaForCausalLM plain = ExportFixtures.model(root, c, w)) {
                baseLogits = logits(plain, IDS);
            }
            try (PeftModel loaded = PeftAdapterReader.load(ExportFixtures.model(root, c, w), dir)) {
                LoraConfig lc = (LoraConfig) loaded.technique().config();
                assertEquals(4, lc.r());
                assertEquals(8.0, lc.alpha());
                assertEquals(0.1, lc.dropout());
                assertEquals(adaptedModules(),
                        List.copyOf(LoraParts.of(loaded, "test").technique().wrappedLayers().keySet()));
                loaded.setTraining(false);
                float[][] actual = logits(loaded, IDS);
                assertTrue(maxAbsDiff(expected, baseLogits) > 1e-2, "the fixture adapter must matter");
                double d = maxAbsDiff(actual, expected);
                assertTrue(d < 1e-4, "loaded adapter vs hand-merged weights: " + d);
            }
            try (LlamaForCausalLM plain = ExportFixtures.model(root, c, w)) {
                PeftAdapterConfig read = PeftAdapterReader.readConfig(dir, plain);
                assertEquals("HuggingFaceTB/SmolLM2-135M-Instruct", read.baseModelNameOrPath());
            }
        }
    }
}
