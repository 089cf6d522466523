package org.finetune4j.peft.bitfit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.AdapterDirectory;
import org.finetune4j.peft.BitFitConfig;
import org.finetune4j.peft.PeftModel;

/**
 * Saves and loads BitFit biases in finetune4j's own format (see {@code docs/adapter-formats.md}):
 * {@code adapter_config.json} with {@code "peft_type": "FINETUNE4J_BITFIT"} and {@code target_modules},
 * and every trained bias as {@code base_model.model.<module>.bias} in {@code adapter_model.safetensors}.
 */
public final class BitFitAdapterIO {
    public static final String PEFT_TYPE = "FINETUNE4J_BITFIT";
    public static final int FORMAT_VERSION = 1;

    private BitFitAdapterIO() {}

    /** Writes {@code model}'s trained biases to {@code dir}; {@code baseModelNameOrPath} may be null. */
    public static void save(PeftModel model, Path dir, String baseModelNameOrPath) throws IOException {
        if (!(model.technique() instanceof BitFitTechnique t)) {
            throw new IllegalArgumentException("not a BitFit model: " + model.type());
        }
        ObjectNode json = AdapterDirectory.newConfig();
        json.put("peft_type", PEFT_TYPE);
        json.put("format_version", FORMAT_VERSION);
        json.put("task_type", "CAUSAL_LM");
        json.put("base_model_name_or_path", baseModelNameOrPath);
        ArrayNode targets = json.putArray("target_modules");
        t.config().targetModules().forEach(targets::add);
        ArrayNode added = json.putArray("added_biases");
        t.addedBiases().forEach(added::add);
        json.put("inference_mode", true);
        AdapterDirectory.write(dir, json, AdapterDirectory.prefixed(t.trainableParameters()));
    }

    /** Applies the biases saved in {@code dir} to {@code base} (adding the ones it lacks). */
    public static PeftModel load(LlamaForCausalLM base, Path dir) throws IOException {
        JsonNode json = AdapterDirectory.readConfig(dir);
        AdapterDirectory.requirePeftType(json, PEFT_TYPE, dir);
        AdapterDirectory.checkInt(json, "format_version", FORMAT_VERSION, dir);
        JsonNode targets = json.get("target_modules");
        if (targets == null || !targets.isArray() || targets.isEmpty()) {
            throw new IOException(dir.resolve(AdapterDirectory.CONFIG_FILE) + ": 'target_modules' must be a non-empty list");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode t : targets) {
            if (!t.isTextual()) {
                throw new IOException(dir.resolve(AdapterDirectory.CONFIG_FILE) + ": target_modules entry " + t
                        + " is not a string");
            }
            names.add(t.asText());
        }
        var tensors = AdapterDirectory.readTensors(dir);
        PeftModel model = PeftModel.create(base, new BitFitConfig(names), 0);
        AdapterDirectory.copyAll(model.trainableParameters(), tensors, dir);
        return model;
    }
}
