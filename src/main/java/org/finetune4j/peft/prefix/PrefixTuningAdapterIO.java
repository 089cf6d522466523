package org.finetune4j.peft.prefix;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.io.HostTensor;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.AdapterDirectory;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.PrefixTuningConfig;

/**
 * Saves and loads prefix tuning in PEFT's format: {@code adapter_config.json} with
 * {@code "peft_type": "PREFIX_TUNING"} and the single float32 tensor {@code prompt_embeddings
 * (N, L·2·H_kv·d)}. With the reparameterising MLP, the MLP's output is saved (as PEFT does), so a loaded
 * adapter is a plain prefix and inference needs no MLP; {@code prefix_projection} keeps recording how
 * it was trained, and PEFT in inference mode builds the same plain table from it.
 */
public final class PrefixTuningAdapterIO {
    public static final String PEFT_TYPE = "PREFIX_TUNING";

    private PrefixTuningAdapterIO() {}

    /** Writes {@code model}'s prefix to {@code dir}; {@code baseModelNameOrPath} may be null. */
    public static void save(PeftModel model, Path dir, String baseModelNameOrPath) throws IOException {
        if (!(model.technique() instanceof PrefixTuningTechnique t)) {
            throw new IllegalArgumentException("not a prefix-tuned model: " + model.type());
        }
        LlamaConfig c = model.config();
        PrefixTuningConfig pc = t.config();
        ObjectNode json = AdapterDirectory.newConfig();
        json.putNull("auto_mapping");
        json.put("base_model_name_or_path", baseModelNameOrPath);
        json.put("encoder_hidden_size", PrefixTuningTechnique.encoderHiddenSize(pc, c));
        json.put("inference_mode", true);
        json.put("num_attention_heads", c.numKeyValueHeads()); // PEFT's GQA convention
        json.put("num_layers", c.numHiddenLayers());
        json.put("num_transformer_submodules", 1);
        json.put("num_virtual_tokens", pc.numVirtualTokens());
        json.put("peft_type", PEFT_TYPE);
        json.put("prefix_projection", pc.prefixProjection());
        json.putNull("revision");
        json.put("task_type", "CAUSAL_LM");
        json.put("token_dim", PrefixTuningTechnique.tokenDim(c));
        try (NDManager tmp = model.resources().newStepManager()) {
            AdapterDirectory.write(dir, json, Map.of("prompt_embeddings", t.promptEmbeddings(tmp)));
        }
    }

    /** Applies the prefix adapter in {@code dir} (ours or PEFT's) to {@code base}, as a plain prefix. */
    public static PeftModel load(LlamaForCausalLM base, Path dir) throws IOException {
        JsonNode json = AdapterDirectory.readConfig(dir);
        AdapterDirectory.requirePeftType(json, PEFT_TYPE, dir);
        LlamaConfig c = base.config();
        int n = AdapterDirectory.requireInt(json, "num_virtual_tokens", dir);
        AdapterDirectory.checkInt(json, "token_dim", PrefixTuningTechnique.tokenDim(c), dir);
        AdapterDirectory.checkInt(json, "num_attention_heads", c.numKeyValueHeads(), dir);
        AdapterDirectory.checkInt(json, "num_layers", c.numHiddenLayers(), dir);
        AdapterDirectory.checkInt(json, "num_transformer_submodules", 1, dir);
        Map<String, HostTensor> tensors = AdapterDirectory.readTensors(dir);
        HostTensor table = tensors.get("prompt_embeddings");
        if (table == null || tensors.size() != 1) {
            throw new IOException(dir.resolve(AdapterDirectory.WEIGHTS_FILE)
                    + ": expected the single tensor 'prompt_embeddings', found " + tensors.keySet());
        }
        PeftModel model = PeftModel.create(base, new PrefixTuningConfig(n, false, 0), 0);
        PrefixTuningTechnique t = (PrefixTuningTechnique) model.technique();
        AdapterDirectory.copyInto(t.trainableParameters().get(PrefixTuningTechnique.ENCODER_NAME + ".embedding.weight"),
                table, "prompt_embeddings", dir);
        return model;
    }
}
