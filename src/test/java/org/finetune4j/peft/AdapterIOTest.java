package org.finetune4j.peft;

import static org.finetune4j.peft.PeftTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.safetensors.SafetensorsFile;
import org.finetune4j.io.safetensors.SafetensorsWriter;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.adapter.BottleneckAdapterIO;
import org.finetune4j.peft.bitfit.BitFitAdapterIO;
import org.finetune4j.peft.prefix.PrefixTuningAdapterIO;
import org.finetune4j.peft.prompt.PromptTuningAdapterIO;
import org.finetune4j.peft.prompt.PromptTuningTechnique;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Save → load → identical logits for every technique, and PEFT's own files. */
class AdapterIOTest {
    @TempDir
    Path dir;

    interface Saver {
        void save(PeftModel m, Path dir, String base) throws IOException;
    }

    interface Loader {
        PeftModel load(LlamaForCausalLM base, Path dir) throws IOException;
    }

    /** Trains a few steps (so nothing is at its init), saves, loads on a fresh base, compares logits. */
    private JsonNode roundTrip(TechniqueConfig config, Saver saver, Loader loader, double tol) throws IOException {
        try (NDManager root = root()) {
            PeftModel model = PeftModel.create(base(root, F32), config, 1);
            train(model, batch(), 3, 0.05);
            double[] expected = logits(model, batch());
            saver.save(model, dir, "tiny-llama");
            PeftModel loaded = loader.load(base(root, F32), dir);
            assertArrayEquals(expected, logits(loaded, batch()), tol);
            assertTrue(maxAbsDiff(expected, logits(base(root, F32), batch())) > 1e-4, "the adapter must matter");
            return new ObjectMapper().readTree(dir.resolve(AdapterDirectory.CONFIG_FILE).toFile());
        }
    }

    @Test
    void promptTuningRoundTripsInPeftFormat() throws IOException {
        JsonNode json = roundTrip(new PromptTuningConfig(4, PromptInit.RANDOM, null), PromptTuningAdapterIO::save,
                PromptTuningAdapterIO::load, 0);
        assertEquals("PROMPT_TUNING", json.get("peft_type").asText());
        assertEquals("CAUSAL_LM", json.get("task_type").asText());
        assertEquals(4, json.get("num_virtual_tokens").asInt());
        assertEquals(32, json.get("token_dim").asInt());
        assertEquals(1, json.get("num_transformer_submodules").asInt());
        assertEquals(4, json.get("num_attention_heads").asInt());
        assertEquals(2, json.get("num_layers").asInt());
        assertEquals("RANDOM", json.get("prompt_tuning_init").asText());
        assertTrue(json.get("inference_mode").asBoolean());
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(AdapterDirectory.WEIGHTS_FILE))) {
            assertEquals(Set.of("prompt_embeddings"), f.names());
            assertArrayEquals(new long[] {4, 32}, f.get("prompt_embeddings").shape());
            assertEquals(Map.of("format", "pt"), f.metadata());
        }
    }

    @Test
    void prefixTuningWithProjectionSavesTheMlpOutput() throws IOException {
        JsonNode json = roundTrip(new PrefixTuningConfig(3, true, 12), PrefixTuningAdapterIO::save,
                PrefixTuningAdapterIO::load, 1e-6);
        assertEquals("PREFIX_TUNING", json.get("peft_type").asText());
        assertTrue(json.get("prefix_projection").asBoolean());
        assertEquals(12, json.get("encoder_hidden_size").asInt());
        assertEquals(16, json.get("token_dim").asInt()); // H_kv·d, PEFT's GQA convention
        assertEquals(2, json.get("num_attention_heads").asInt());
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(AdapterDirectory.WEIGHTS_FILE))) {
            assertArrayEquals(new long[] {3, 2 * 2 * 16}, f.get("prompt_embeddings").shape());
        }
    }

    @Test
    void plainPrefixRoundTrips() throws IOException {
        roundTrip(new PrefixTuningConfig(3, false, 0), PrefixTuningAdapterIO::save, PrefixTuningAdapterIO::load, 0);
    }

    @Test
    void bottleneckAdaptersRoundTrip() throws IOException {
        JsonNode json = roundTrip(new AdapterConfig(AdapterPlacement.HOULSBY, 4, AdapterActivation.TANH),
                BottleneckAdapterIO::save, BottleneckAdapterIO::load, 0);
        assertEquals("FINETUNE4J_BOTTLENECK_ADAPTER", json.get("peft_type").asText());
        assertEquals("TANH", json.get("activation").asText());
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(AdapterDirectory.WEIGHTS_FILE))) {
            assertTrue(f.names().contains("base_model.model.model.layers.0.attn_adapter.down.weight"));
            assertEquals(16, f.names().size());
        }
    }

    @Test
    void bitFitRoundTrips() throws IOException {
        JsonNode json = roundTrip(new BitFitConfig(java.util.List.of("q_proj", "down_proj")), BitFitAdapterIO::save,
                BitFitAdapterIO::load, 0);
        assertEquals("FINETUNE4J_BITFIT", json.get("peft_type").asText());
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(AdapterDirectory.WEIGHTS_FILE))) {
            assertEquals(Set.of("base_model.model.model.layers.0.self_attn.q_proj.bias",
                    "base_model.model.model.layers.1.self_attn.q_proj.bias",
                    "base_model.model.model.layers.0.mlp.down_proj.bias",
                    "base_model.model.model.layers.1.mlp.down_proj.bias"), f.names());
        }
    }

    /** A directory as PEFT writes it (keys and layout by hand, not by our saver). */
    @Test
    void loadsAHandWrittenPeftPromptTuningAdapter() throws IOException {
        String config = """
                {
                  "auto_mapping": null,
                  "base_model_name_or_path": "some/llama",
                  "inference_mode": true,
                  "num_attention_heads": 4,
                  "num_layers": 2,
                  "num_transformer_submodules": 1,
                  "num_virtual_tokens": 2,
                  "peft_type": "PROMPT_TUNING",
                  "prompt_tuning_init": "TEXT",
                  "prompt_tuning_init_text": "Classify:",
                  "revision": null,
                  "task_type": "CAUSAL_LM",
                  "token_dim": 32,
                  "tokenizer_kwargs": null,
                  "tokenizer_name_or_path": "some/llama"
                }
                """;
        Files.writeString(dir.resolve("adapter_config.json"), config);
        float[] v = new float[2 * 32];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(i) * 0.5f;
        }
        SafetensorsWriter.write(dir.resolve("adapter_model.safetensors"),
                Map.of("prompt_embeddings", HostTensor.ofFloats(v, 2, 32)), null);
        try (NDManager root = root()) {
            PeftModel model = PromptTuningAdapterIO.load(base(root, F32), dir);
            double[] loaded = values(((PromptTuningTechnique) model.technique()).promptEmbeddings());
            for (int i = 0; i < v.length; i++) {
                assertEquals(v[i], loaded[i], 0, "element " + i);
            }
            assertEquals("Classify:", ((PromptTuningConfig) model.technique().config()).initText());
            assertEquals(2, model.extraCachePositions());
        }
    }

    @Test
    void mismatchedAdaptersAreRejectedWithTheFileNamed() throws IOException {
        try (NDManager root = root()) {
            PeftModel model = PeftModel.create(base(root, F32), new PromptTuningConfig(4, PromptInit.RANDOM, null), 1);
            PromptTuningAdapterIO.save(model, dir, null);
            IOException wrongType = assertThrows(IOException.class, () -> PrefixTuningAdapterIO.load(base(root, F32), dir));
            assertTrue(wrongType.getMessage().contains("adapter_config.json") && wrongType.getMessage().contains("PROMPT_TUNING"),
                    wrongType.getMessage());
            String json = Files.readString(dir.resolve("adapter_config.json")).replace("\"token_dim\" : 32", "\"token_dim\" : 64");
            Files.writeString(dir.resolve("adapter_config.json"), json);
            IOException wrongDim = assertThrows(IOException.class, () -> PromptTuningAdapterIO.load(base(root, F32), dir));
            assertTrue(wrongDim.getMessage().contains("token_dim"), wrongDim.getMessage());
            IOException missing = assertThrows(IOException.class,
                    () -> BitFitAdapterIO.load(base(root, F32), dir.resolve("nothing-here")));
            assertTrue(missing.getMessage().contains("adapter_config.json"), missing.getMessage());
        }
    }
}
