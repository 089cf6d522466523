package org.finetune4j.export;

import static org.finetune4j.export.ExportFixtures.IDS;
import static org.finetune4j.export.ExportFixtures.logits;
import static org.finetune4j.export.ExportFixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.finetune4j.config.GenerationConfig;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.io.HostTensor;
import org.finetune4j.model.PretrainedModel;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.FullFineTuningConfig;
import org.finetune4j.peft.LoraConfig;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.QloraConfig;
import org.finetune4j.peft.TechniqueConfig;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MergedModelWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static LoraConfig.Builder lora() {
        return LoraConfig.builder().optR(4).optAlpha(8).optTargetModules(LoraConfig.ALL_PROJECTIONS);
    }

    static Stream<Arguments> techniques() {
        return Stream.of(
                Arguments.of("LoRA", lora().build(), false),
                Arguments.of("rsLoRA", lora().optUseRslora(true).build(), false),
                Arguments.of("DoRA", lora().optUseDora(true).build(), false),
                Arguments.of("LoRA tied head, trained embeddings",
                        lora().optModulesToSave(List.of("model.embed_tokens")).build(), true),
                Arguments.of("QLoRA", QloraConfig.of(lora().build()), false),
                Arguments.of("QLoRA + DoRA", QloraConfig.of(lora().optUseDora(true).build()), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("techniques")
    void mergedCheckpointReloadsWithTheAdaptedModelsLogits(String name, TechniqueConfig technique, boolean tied)
            throws IOException {
        LlamaConfig c = ExportFixtures.tinyConfig(tied);
        Map<String, HostTensor> w = ExportFixtures.weights(c, 11);
        Path dir = tmp.resolve("merged");
        try (NDManager root = Djl.engine().newBaseManager()) {
            float[][] baseLogits;
            try (LlamaForCausalLM plain = ExportFixtures.model(root, c, w)) {
                baseLogits = logits(plain, IDS);
            }
            float[][] adapted;
            try (PeftModel peft = PeftModel.create(ExportFixtures.model(root, c, w), technique, 5)) {
                ExportFixtures.trainLikeUpdate(peft, 6);
                adapted = logits(peft, IDS); // QLoRA: the quantised base's own forward
                MergedModelWriter.save(peft, dir, null, GenerationConfig.DEFAULTS, PretrainedModel.DEFAULT_MAX_SHARD_BYTES);
            }
            assertTrue(maxAbsDiff(adapted, baseLogits) > 1e-2, name + ": the adapter should change the logits");
            try (LlamaForCausalLM merged = PretrainedModel.load(dir, root, DevicePolicy.cpu())) {
                double diff = maxAbsDiff(logits(merged, IDS), adapted);
                assertTrue(diff < 1e-4, name + ": merged vs adapted logits differ by " + diff);
            }
        }
        JsonNode config = JSON.readTree(dir.resolve("config.json").toFile());
        assertEquals("float32", config.get("torch_dtype").asText());
        assertEquals(tied, config.get("tie_word_embeddings").asBoolean());
        assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
        assertTrue(Files.isRegularFile(dir.resolve("generation_config.json")));
    }

    @Test
    void shardedSaveReloadsIdenticallyAndCopiesTheTokenizerFilesThatExist() throws IOException {
        LlamaConfig c = ExportFixtures.tinyConfig(false);
        Map<String, HostTensor> w = ExportFixtures.weights(c, 12);
        Path tokenizer = Files.createDirectories(tmp.resolve("tok"));
        Files.writeString(tokenizer.resolve("tokenizer.json"), "{\"version\":\"1.0\"}");
        Files.writeString(tokenizer.resolve("chat_template.jinja"), "{{ messages }}");
        Files.writeString(tokenizer.resolve("unrelated.txt"), "not a tokenizer file");
        Path dir = tmp.resolve("sharded");
        try (NDManager root = Djl.engine().newBaseManager()) {
            float[][] adapted;
            try (PeftModel peft = PeftModel.create(ExportFixtures.model(root, c, w), lora().build(), 1)) {
                ExportFixtures.trainLikeUpdate(peft, 2);
                adapted = logits(peft, IDS);
                MergedModelWriter.save(peft, dir, tokenizer, GenerationConfig.DEFAULTS, 10_000);
            }
            try (LlamaForCausalLM merged = PretrainedModel.load(dir, root, DevicePolicy.cpu())) {
                assertTrue(maxAbsDiff(logits(merged, IDS), adapted) < 1e-4);
            }
        }
        List<String> files = fileNames(dir);
        assertTrue(files.contains("model.safetensors.index.json"), files.toString());
        assertFalse(files.contains("model.safetensors"), files.toString());
        long shards = files.stream().filter(f -> f.matches("model-\\d{5}-of-\\d{5}\\.safetensors")).count();
        assertTrue(shards > 2, "expected several shards of ≤10 kB, got " + files);
        assertEquals("{\"version\":\"1.0\"}", Files.readString(dir.resolve("tokenizer.json")));
        assertEquals("{{ messages }}", Files.readString(dir.resolve("chat_template.jinja")));
        assertFalse(files.contains("unrelated.txt"));
        assertFalse(files.contains("special_tokens_map.json"));
    }

    @Test
    void fullFineTuningSavesTheTrainedWeightsAsTheyAre() throws IOException {
        LlamaConfig c = ExportFixtures.tinyConfig(true);
        Map<String, HostTensor> w = ExportFixtures.weights(c, 13);
        Path dir = tmp.resolve("full");
        try (NDManager root = Djl.engine().newBaseManager()) {
            float[][] expected;
            try (PeftModel peft = PeftModel.create(ExportFixtures.model(root, c, w), FullFineTuningConfig.all(), 1)) {
                // "train": change one weight matrix in place
                var q = peft.base().namedParameters().get("model.layers.1.self_attn.q_proj.weight");
                float[] v = q.getArray().toFloatArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] = v[i] * 1.5f + 0.01f;
                }
                PeftAdapterReader.copyInto(q, v);
                expected = logits(peft, IDS);
                MergedModelWriter.save(peft, dir, null, null);
            }
            try (LlamaForCausalLM reloaded = PretrainedModel.load(dir, root, DevicePolicy.cpu())) {
                assertEquals(0.0, maxAbsDiff(logits(reloaded, IDS), expected));
            }
        }
    }

    @Test
    void aFailedSaveLeavesThePreviousSaveIntact() throws IOException {
        LlamaConfig c = ExportFixtures.tinyConfig(false);
        Map<String, HostTensor> w = ExportFixtures.weights(c, 14);
        Path dir = tmp.resolve("out");
        Path brokenTokenizer = Files.createDirectories(tmp.resolve("broken-tok"));
        Files.writeString(brokenTokenizer.resolve("tokenizer_config.json"), "{}");
        // a dangling link: copying it fails after the weights have been written
        Files.createSymbolicLink(brokenTokenizer.resolve("tokenizer.json"), tmp.resolve("does-not-exist.json"));
        try (NDManager root = Djl.engine().newBaseManager()) {
            float[][] first;
            try (PeftModel peft = PeftModel.create(ExportFixtures.model(root, c, w), lora().build(), 1)) {
                ExportFixtures.trainLikeUpdate(peft, 2);
                first = logits(peft, IDS);
                MergedModelWriter.save(peft, dir, null, null);
            }
            List<String> before = fileNames(dir);
            try (PeftModel other = PeftModel.create(ExportFixtures.model(root, c, w), lora().build(), 3)) {
                ExportFixtures.trainLikeUpdate(other, 4);
                IOException e = assertThrows(IOException.class,
                        () -> MergedModelWriter.save(other, dir, brokenTokenizer, null, 10_000));
                assertTrue(e.getMessage().contains("does-not-exist.json") || e.getMessage().contains("tokenizer.json"),
                        e.getMessage());
            }
            assertEquals(before, fileNames(dir));
            try (LlamaForCausalLM reloaded = PretrainedModel.load(dir, root, DevicePolicy.cpu())) {
                assertTrue(maxAbsDiff(logits(reloaded, IDS), first) < 1e-4);
            }
        }
        try (Stream<Path> s = Files.list(tmp)) {
            List<String> siblings = s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
            assertEquals(List.of("broken-tok", "out"), siblings, "no temporary directory may be left behind");
        }
    }

    @Test
    void savingAgainReplacesTheWholeDirectory() throws IOException {
        LlamaConfig c = ExportFixtures.tinyConfig(false);
        Map<String, HostTensor> w = ExportFixtures.weights(c, 15);
        Path dir = tmp.resolve("again");
        try (NDManager root = Djl.engine().newBaseManager();
                PeftModel peft = PeftModel.create(ExportFixtures.model(root, c, w), lora().build(), 1)) {
            MergedModelWriter.save(peft, dir, null, null, 10_000); // sharded
            assertTrue(fileNames(dir).contains("model.safetensors.index.json"));
            MergedModelWriter.save(peft, dir, null, null); // single file
            assertEquals(List.of("config.json", "generation_config.json", "model.safetensors"), fileNames(dir));
        }
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
