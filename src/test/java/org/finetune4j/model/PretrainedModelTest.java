package org.finetune4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.finetune4j.config.ConfigException;
import org.finetune4j.config.GenerationConfig;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.model.llama.LlamaForCausalLMTestAccess;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainedModelTest {
    static final int[] IDS = {1, 5, 9, 33, 2, 40, 17};

    static LlamaConfig config(boolean tied) {
        return LlamaConfig.builder().setVocabSize(50).setHiddenSize(32).setIntermediateSize(48).setNumHiddenLayers(2)
                .setNumAttentionHeads(4).optNumKeyValueHeads(2).optTieWordEmbeddings(tied).optEosTokenIds(List.of(2))
                .build();
    }

    private static void assertSameLogits(Path dir, LlamaForCausalLM original, NDManager root) {
        try (LlamaForCausalLM loaded = PretrainedModel.load(dir, root, DevicePolicy.cpu())) {
            assertEquals(original.config(), loaded.config());
            float[][] a = LlamaForCausalLMTestAccess.logits(original, IDS);
            float[][] b = LlamaForCausalLMTestAccess.logits(loaded, IDS);
            for (int i = 0; i < a.length; i++) {
                assertArrayEquals(a[i], b[i], 0f, "position " + i); // bit-identical float32 round trip
            }
        }
    }

    @Test
    void saveThenLoadGivesIdenticalLogits(@TempDir Path tmp) throws Exception {
        for (boolean tied : new boolean[] {false, true}) {
            LlamaConfig c = config(tied);
            Path dir = tmp.resolve("m" + tied);
            try (NDManager root = Djl.engine().newBaseManager();
                    LlamaForCausalLM m = LlamaForCausalLM.fromWeights(c, LlamaForCausalLM.randomWeights(c, 3, 0.3),
                            ModelResources.create(root, DevicePolicy.cpu()))) {
                PretrainedModel.save(m, new GenerationConfig(null, List.of(2), null, false, 1, 50, 1, 1, 64), dir);
                assertTrue(Files.exists(dir.resolve("model.safetensors")));
                assertEquals(64, GenerationConfig.read(dir).maxNewTokens());
                assertSameLogits(dir, m, root);
            }
        }
    }

    @Test
    void shardedSaveThenLoadGivesIdenticalLogits(@TempDir Path dir) throws Exception {
        LlamaConfig c = config(false);
        try (NDManager root = Djl.engine().newBaseManager();
                LlamaForCausalLM m = LlamaForCausalLM.fromWeights(c, LlamaForCausalLM.randomWeights(c, 4, 0.3),
                        ModelResources.create(root, DevicePolicy.cpu()))) {
            PretrainedModel.save(m.config(), m.stateDict(), null, dir, 8_000);
            try (Stream<Path> files = Files.list(dir)) {
                long shards = files.filter(p -> p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors")).count();
                assertTrue(shards >= 3, "expected several shards, got " + shards);
            }
            assertTrue(Files.exists(dir.resolve("model.safetensors.index.json")));
            assertSameLogits(dir, m, root);
        }
    }

    @Test
    void missingOrBadDirectoriesGiveClearErrors(@TempDir Path dir) throws Exception {
        try (NDManager root = Djl.engine().newBaseManager()) {
            assertThrows(IllegalArgumentException.class, () -> PretrainedModel.load(dir.resolve("nope"), root, DevicePolicy.cpu()));
            ConfigException e = assertThrows(ConfigException.class, () -> PretrainedModel.load(dir, root, DevicePolicy.cpu()));
            assertTrue(e.getMessage().contains("config.json"), e.getMessage());
            Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt2\"}");
            e = assertThrows(ConfigException.class, () -> PretrainedModel.load(dir, root, DevicePolicy.cpu()));
            assertTrue(e.getMessage().contains("llama, mistral, qwen2"), e.getMessage());
        }
    }
}
