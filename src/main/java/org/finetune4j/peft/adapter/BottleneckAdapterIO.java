package org.finetune4j.peft.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.AdapterActivation;
import org.finetune4j.peft.AdapterConfig;
import org.finetune4j.peft.AdapterDirectory;
import org.finetune4j.peft.AdapterPlacement;
import org.finetune4j.peft.PeftModel;

/**
 * Saves and loads bottleneck adapters in finetune4j's own format (PEFT has no such type; see
 * {@code docs/adapter-formats.md}): {@code adapter_config.json} with
 * {@code "peft_type": "FINETUNE4J_BOTTLENECK_ADAPTER"} and the adapter tensors in
 * {@code adapter_model.safetensors} as {@code base_model.model.model.layers.<i>.<attn|mlp>_adapter.<down|up>.<weight|bias>}.
 */
public final class BottleneckAdapterIO {
    public static final String PEFT_TYPE = "FINETUNE4J_BOTTLENECK_ADAPTER";
    public static final int FORMAT_VERSION = 1;

    private BottleneckAdapterIO() {}

    /** Writes {@code model}'s adapters to {@code dir}; {@code baseModelNameOrPath} may be null. */
    public static void save(PeftModel model, Path dir, String baseModelNameOrPath) throws IOException {
        if (!(model.technique() instanceof AdapterTechnique t)) {
            throw new IllegalArgumentException("not a model with bottleneck adapters: " + model.type());
        }
        LlamaConfig c = model.config();
        AdapterConfig ac = t.config();
        ObjectNode json = AdapterDirectory.newConfig();
        json.put("peft_type", PEFT_TYPE);
        json.put("format_version", FORMAT_VERSION);
        json.put("task_type", "CAUSAL_LM");
        json.put("base_model_name_or_path", baseModelNameOrPath);
        json.put("placement", ac.placement().name());
        json.put("reduction_factor", ac.reductionFactor());
        json.put("activation", ac.activation().name());
        json.put("hidden_size", c.hiddenSize());
        json.put("bottleneck_size", AdapterTechnique.bottleneckSize(c.hiddenSize(), ac.reductionFactor()));
        json.put("num_layers", c.numHiddenLayers());
        json.put("inference_mode", true);
        AdapterDirectory.write(dir, json, AdapterDirectory.prefixed(t.trainableParameters()));
    }

    /** Adds the adapters saved in {@code dir} to {@code base}. */
    public static PeftModel load(LlamaForCausalLM base, Path dir) throws IOException {
        JsonNode json = AdapterDirectory.readConfig(dir);
        AdapterDirectory.requirePeftType(json, PEFT_TYPE, dir);
        AdapterDirectory.checkInt(json, "format_version", FORMAT_VERSION, dir);
        LlamaConfig c = base.config();
        AdapterDirectory.checkInt(json, "hidden_size", c.hiddenSize(), dir);
        AdapterDirectory.checkInt(json, "num_layers", c.numHiddenLayers(), dir);
        AdapterConfig config = new AdapterConfig(
                AdapterDirectory.requireEnum(json, "placement", AdapterPlacement.class, dir),
                AdapterDirectory.requireInt(json, "reduction_factor", dir),
                AdapterDirectory.requireEnum(json, "activation", AdapterActivation.class, dir));
        var tensors = AdapterDirectory.readTensors(dir);
        PeftModel model = PeftModel.create(base, config, 0);
        AdapterDirectory.copyAll(model.trainableParameters(), tensors, dir);
        return model;
    }
}
