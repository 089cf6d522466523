package org.finetune4j.peft.prompt;

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
import org.finetune4j.peft.PromptInit;
import org.finetune4j.peft.PromptTuningConfig;

/**
 * Saves and loads prompt tuning in PEFT's format: {@code adapter_config.json} with
 * {@code "peft_type": "PROMPT_TUNING"} and {@code adapter_model.safetensors} holding the single float32
 * tensor {@code prompt_embeddings (N, D)}. PEFT loads what this writes, and this loads PEFT's.
 */
public final class PromptTuningAdapterIO {
    public static final String PEFT_TYPE = "PROMPT_TUNING";

    private PromptTuningAdapterIO() {}

    /**
     * Writes {@code model}'s virtual tokens to {@code dir} (created if needed; files replaced atomically).
     *
     * @param baseModelNameOrPath what {@code base_model_name_or_path} records (may be null)
     */
    public static void save(PeftModel model, Path dir, String baseModelNameOrPath) throws IOException {
        if (!(model.technique() instanceof PromptTuningTechnique t)) {
            throw new IllegalArgumentException("not a prompt-tuned model: " + model.type());
        }
        LlamaConfig c = model.config();
        PromptTuningConfig pc = t.config();
        ObjectNode json = AdapterDirectory.newConfig();
        json.putNull("auto_mapping");
        json.put("base_model_name_or_path", baseModelNameOrPath);
        json.put("inference_mode", true);
        json.put("num_attention_heads", c.numAttentionHeads());
        json.put("num_layers", c.numHiddenLayers());
        json.put("num_transformer_submodules", 1);
        json.put("num_virtual_tokens", pc.numVirtualTokens());
        json.put("peft_type", PEFT_TYPE);
        json.put("prompt_tuning_init", pc.init().name());
        json.put("prompt_tuning_init_text", pc.initText());
        json.putNull("revision");
        json.put("task_type", "CAUSAL_LM");
        json.put("token_dim", c.hiddenSize());
        json.putNull("tokenizer_kwargs");
        json.putNull("tokenizer_name_or_path");
        AdapterDirectory.write(dir, json, Map.of(PromptTuningTechnique.PARAMETER_NAME, t.promptEmbeddings().getArray()));
    }

    /**
     * Applies the prompt-tuning adapter in {@code dir} (ours or PEFT's) to {@code base}. The loaded
     * embeddings replace the init, so the technique reports init RANDOM (TEXT init would need a tokenizer);
     * the init text is kept.
     */
    public static PeftModel load(LlamaForCausalLM base, Path dir) throws IOException {
        JsonNode json = AdapterDirectory.readConfig(dir);
        AdapterDirectory.requirePeftType(json, PEFT_TYPE, dir);
        LlamaConfig c = base.config();
        int n = AdapterDirectory.requireInt(json, "num_virtual_tokens", dir);
        AdapterDirectory.checkInt(json, "token_dim", c.hiddenSize(), dir);
        AdapterDirectory.checkInt(json, "num_transformer_submodules", 1, dir);
        AdapterDirectory.checkInt(json, "num_layers", c.numHiddenLayers(), dir);
        String text = json.path("prompt_tuning_init_text").isTextual() ? json.get("prompt_tuning_init_text").asText() : null;
        Map<String, HostTensor> tensors = AdapterDirectory.readTensors(dir);
        HostTensor table = tensors.get(PromptTuningTechnique.PARAMETER_NAME);
        if (table == null || tensors.size() != 1) {
            throw new IOException(dir.resolve(AdapterDirectory.WEIGHTS_FILE) + ": expected the single tensor '"
                    + PromptTuningTechnique.PARAMETER_NAME + "', found " + tensors.keySet());
        }
        PeftModel model = PeftModel.create(base, new PromptTuningConfig(n, PromptInit.RANDOM, text), 0);
        PromptTuningTechnique t = (PromptTuningTechnique) model.technique();
        AdapterDirectory.copyInto(t.promptEmbeddings(), table, PromptTuningTechnique.PARAMETER_NAME, dir);
        return model;
    }
}
