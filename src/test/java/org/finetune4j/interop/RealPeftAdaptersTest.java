package org.finetune4j.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.finetune4j.io.HalfFloats;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.hub.HubClient;
import org.finetune4j.io.safetensors.SafetensorsFile;
import org.finetune4j.model.PretrainedModel;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.model.llama.LlamaForCausalLMTestAccess;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.TechniqueType;
import org.finetune4j.recipe.Adapters;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Adapters made by Hugging Face PEFT itself ({@code get_peft_model} + {@code save_pretrained}, by
 * {@code tools/interop/check_peft.py} on the tiny base) load with this library's readers and give PEFT's
 * logits: LoRA, rsLoRA and DoRA (random non-zero B, perturbed magnitudes), prompt tuning (random init)
 * and prefix tuning (no projection), 8 virtual tokens each. The logits were computed by PEFT in float32
 * on the CPU; the virtual-token rows of prompt tuning are already dropped there, and the files keep the first
 * {@code logit_columns} vocabulary entries of every row (tools/interop/slice_logits.py) to stay small.
 */
class RealPeftAdaptersTest {
    static final Path FIXTURES = Path.of("src/test/resources/peft-real");
    /**
     * The base the fixtures were made on (the bundled tiny base of session 7, weights and config only), kept beside
     * them so that re-pretraining the bundled model does not invalidate PEFT's logits; its SHA-256 is pinned in the
     * manifest.
     */
    static final Path BASE = FIXTURES.resolve("base");
    static final double TOLERANCE = 1e-4;
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> adapters() {
        return Stream.of(
                Arguments.of("lora", TechniqueType.LORA),
                Arguments.of("rslora", TechniqueType.LORA),
                Arguments.of("dora", TechniqueType.LORA),
                Arguments.of("prompt", TechniqueType.PROMPT_TUNING),
                Arguments.of("prefix", TechniqueType.PREFIX_TUNING));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adapters")
    void realPeftAdapterGivesPeftsLogits(String name, TechniqueType type) throws IOException {
        JsonNode manifest = JSON.readTree(FIXTURES.resolve("manifest.json").toFile());
        // the adapters and their logits belong to one base, the copy in FIXTURES/base
        assertEquals(manifest.get("base_model_sha256").asText(), HubClient.sha256(BASE.resolve("model.safetensors")),
                "the fixtures were made on another base than " + BASE + ": new fixtures come from "
                        + "tools/interop/run_device.sh (unpack its peft_real.tar, run tools/interop/slice_logits.py, "
                        + "and copy that base's config.json and model.safetensors into " + BASE + ")");
        int columns = manifest.get("logit_columns").asInt(); // the files keep the first `columns` vocabulary logits
        JsonNode entry = manifest.path("adapters").path(name);
        assertTrue(entry.isObject(), "manifest.json has no adapter '" + name + "'");
        int expectedSkip = type == TechniqueType.PROMPT_TUNING ? manifest.get("num_virtual_tokens").asInt() : 0;
        assertEquals(expectedSkip, entry.path("logit_rows_skipped").asInt(),
                "PEFT's logits must hold exactly the real tokens' rows (prompt tuning's N virtual rows dropped)");
        Path dir = FIXTURES.resolve(entry.get("dir").asText());
        List<int[]> sequences = new ArrayList<>();
        for (JsonNode s : manifest.get("sequences")) {
            int[] ids = new int[s.get("ids").size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = s.get("ids").get(i).asInt();
            }
            sequences.add(ids);
        }
        assertEquals(3, sequences.size());

        try (NDManager root = Djl.engine().newBaseManager();
                SafetensorsFile expected = SafetensorsFile.open(FIXTURES.resolve(entry.get("logits").asText()))) {
            List<float[][]> baseLogits = new ArrayList<>();
            try (LlamaForCausalLM base = PretrainedModel.load(BASE, root, DevicePolicy.cpu())) {
                for (int[] ids : sequences) {
                    baseLogits.add(LlamaForCausalLMTestAccess.logits(base, ids));
                }
            }
            try (PeftModel model = Adapters.load(PretrainedModel.load(BASE, root, DevicePolicy.cpu()), dir)) {
                assertEquals(type, model.type());
                model.setTraining(false);
                for (int k = 0; k < sequences.size(); k++) {
                    float[][] ours = LlamaForCausalLMTestAccess.logits(model, sequences.get(k));
                    HostTensor theirs = expected.get("seq" + k);
                    assertArrayEquals(new long[] {ours.length, columns}, theirs.shape(), "seq" + k + " shape");
                    float[] flat = HalfFloats.toFloats(theirs);
                    double diff = 0;
                    double moved = 0;
                    for (int t = 0; t < ours.length; t++) {
                        for (int v = 0; v < columns; v++) {
                            float peft = flat[t * columns + v];
                            diff = Math.max(diff, Math.abs(ours[t][v] - peft));
                            moved = Math.max(moved, Math.abs(baseLogits.get(k)[t][v] - peft));
                        }
                    }
                    assertTrue(moved > 1e-3, name + " seq" + k + ": PEFT's adapter does not change the base logits"
                            + " (max " + moved + "), so the comparison would prove nothing");
                    assertTrue(diff <= TOLERANCE, name + " seq" + k + ": max |ours - PEFT| = " + diff);
                }
            }
        }
    }
}
