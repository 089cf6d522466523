package org.finetune4j.export;

import static org.finetune4j.export.PeftAdapterFixtureTest.Q_AND_V;
import static org.finetune4j.export.PeftAdapterFixtureTest.adapterTensors;
import static org.finetune4j.export.PeftAdapterFixtureTest.peftConfigJson;
import static org.finetune4j.export.PeftAdapterFixtureTest.writeAdapter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.io.HostTensor;
import org.finetune4j.model.Linear;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeftAdapterReaderErrorsTest {
    private static final String Q1_B = "base_model.model.model.layers.1.self_attn.q_proj.lora_B.default.weight";
    private static final String V0_A = "base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight";

    @TempDir
    Path tmp;

    private final LlamaConfig config = ExportFixtures.tinyConfig(false);
    private NDManager root;
    private LlamaForCausalLM base;
    private Map<String, HostTensor> tensors;

    @BeforeEach
    void setUp() {
        root = Djl.engine().newBaseManager();
        base = ExportFixtures.model(root, config, ExportFixtures.weights(config, 41));
        tensors = new LinkedHashMap<>(adapterTensors(config, 42));
    }

    @AfterEach
    void tearDown() {
        root.close();
    }

    /** Loads, expects a format error, and checks that the base model was not modified. */
    private String failure(Path dir) {
        AdapterFormatException e = assertThrows(AdapterFormatException.class, () -> PeftAdapterReader.load(base, dir));
        assertInstanceOf(Linear.class, base.findModule("model.layers.0.self_attn.q_proj").orElseThrow(),
                "a refused adapter must leave the base unwrapped");
        return e.getMessage();
    }

    @Test
    void missingTensorIsNamedWithItsFile() throws IOException {
        tensors.remove(Q1_B);
        String msg = failure(writeAdapter(tmp.resolve("a"), peftConfigJson(Q_AND_V), tensors));
        assertTrue(msg.contains("adapter_model.safetensors"), msg);
        assertTrue(msg.contains("missing tensor base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight [32, 4]"),
                msg);
    }

    @Test
    void wrongShapeIsNamedWithBothShapes() throws IOException {
        tensors.put(V0_A, HostTensor.ofFloats(new float[4 * 31], 4, 31));
        String msg = failure(writeAdapter(tmp.resolve("a"), peftConfigJson(Q_AND_V), tensors));
        assertTrue(msg.contains("tensor " + V0_A + " has shape [4, 31], the config needs [4, 32]"), msg);
        assertFalse(msg.contains("missing tensor"), "a mis-shaped tensor is not also reported missing: " + msg);
    }

    @Test
    void extraTensorIsNamed() throws IOException {
        String extra = "base_model.model.model.layers.0.mlp.up_proj.lora_A.weight";
        tensors.put(extra, HostTensor.ofFloats(new float[4 * 32], 4, 32));
        tensors.put("model.norm.weight", HostTensor.ofFloats(new float[32], 32));
        String msg = failure(writeAdapter(tmp.resolve("a"), peftConfigJson(Q_AND_V), tensors));
        assertTrue(msg.contains("unexpected tensor " + extra), msg);
        assertTrue(msg.contains("unexpected tensor model.norm.weight"), msg);
        assertTrue(msg.contains("(2 problems)"), msg);
    }

    @Test
    void bothNamingVariantsOfOneTensorAreADuplicate() throws IOException {
        tensors.put("base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight", tensors.get(Q1_B));
        String msg = failure(writeAdapter(tmp.resolve("a"), peftConfigJson(Q_AND_V), tensors));
        assertTrue(msg.contains("duplicates"), msg);
    }

    @Test
    void pickleOnlyAdapterIsRefused() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bin"));
        Files.writeString(dir.resolve("adapter_config.json"), peftConfigJson(Q_AND_V));
        Files.write(dir.resolve("adapter_model.bin"), new byte[] {(byte) 0x80, 2, 0x7d});
        String msg = failure(dir);
        assertTrue(msg.contains("adapter_model.bin") && msg.contains("pickle"), msg);
        assertTrue(msg.contains("adapter_model.safetensors"), msg);
    }

    @Test
    void malformedJsonNamesFileAndLine() throws IOException {
        String broken = peftConfigJson(Q_AND_V).replace("\"r\": 4,", "\"r\": 4");
        String msg = failure(writeAdapter(tmp.resolve("a"), broken, tensors));
        assertTrue(msg.contains("adapter_config.json: malformed JSON at line 24"), msg);
    }

    @Test
    void unsupportedAndInvalidConfigValuesNameTheKey() throws IOException {
        String rank = peftConfigJson(Q_AND_V).replace("\"rank_pattern\": {}", "\"rank_pattern\": {\"q_proj\": 8}");
        String msg = failure(writeAdapter(tmp.resolve("rank"), rank, tensors));
        assertTrue(msg.contains("adapter_config.json") && msg.contains("'rank_pattern'") && msg.contains("not supported"),
                msg);

        String alpha = peftConfigJson(Q_AND_V).replace("\"lora_alpha\": 8", "\"lora_alpha\": \"eight\"");
        msg = failure(writeAdapter(tmp.resolve("alpha"), alpha, tensors));
        assertTrue(msg.contains("'lora_alpha' must be a number"), msg);

        String prompt = peftConfigJson(Q_AND_V).replace("\"peft_type\": \"LORA\"", "\"peft_type\": \"PROMPT_TUNING\"");
        msg = failure(writeAdapter(tmp.resolve("prompt"), prompt, tensors));
        assertTrue(msg.contains("PROMPT_TUNING"), msg);

        msg = failure(writeAdapter(tmp.resolve("target"), peftConfigJson("[\"qkv_proj\"]"), tensors));
        assertTrue(msg.contains("adapter_config.json") && msg.contains("qkv_proj"), msg);
    }

    @Test
    void missingDirectoryContentsAreNamed() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertTrue(failure(empty).contains("adapter_config.json: not found"));
        Files.writeString(empty.resolve("adapter_config.json"), peftConfigJson(Q_AND_V));
        assertTrue(failure(empty).contains("adapter_model.safetensors: not found"));
    }

    @Test
    void savedNamesMapToInMemoryNames() {
        assertEquals("model.layers.0.self_attn.q_proj.lora_A.weight",
                PeftAdapterReader.inMemoryName("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"));
        assertEquals("model.layers.0.self_attn.q_proj.lora_A.weight",
                PeftAdapterReader.inMemoryName("base_model.model.model.layers.0.self_attn.q_proj.lora_A.default.weight"));
        assertEquals("model.layers.0.mlp.up_proj.lora_magnitude_vector",
                PeftAdapterReader.inMemoryName("base_model.model.model.layers.0.mlp.up_proj.lora_magnitude_vector"));
        assertEquals("model.layers.0.mlp.up_proj.lora_magnitude_vector", PeftAdapterReader.inMemoryName(
                "base_model.model.model.layers.0.mlp.up_proj.lora_magnitude_vector.default.weight"));
        assertEquals("lm_head.weight", PeftAdapterReader.inMemoryName("base_model.model.lm_head.weight"));
        assertEquals("lm_head.weight",
                PeftAdapterReader.inMemoryName("base_model.model.lm_head.modules_to_save.default.weight"));
        assertEquals(null, PeftAdapterReader.inMemoryName("model.layers.0.self_attn.q_proj.lora_A.weight"));
    }
}
