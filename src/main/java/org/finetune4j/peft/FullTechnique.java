package org.finetune4j.peft;

import ai.djl.nn.Parameter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.finetune4j.model.llama.LlamaForCausalLM;

/** Full fine-tuning: the base weights themselves (all, or selected layers) are trained. */
final class FullTechnique implements AppliedTechnique {
    private final FullFineTuningConfig config;
    private final Map<String, Parameter> trainable = new LinkedHashMap<>();

    FullTechnique(LlamaForCausalLM model, FullFineTuningConfig config) {
        this.config = config;
        int layers = model.config().numHiddenLayers();
        for (int i : config.layers()) {
            if (i < 0 || i >= layers) {
                throw new IllegalArgumentException("layer " + i + " does not exist; the model has layers 0.." + (layers - 1));
            }
        }
        model.namedParameters().forEach((name, p) -> {
            boolean train;
            if (name.startsWith("model.layers.")) {
                int layer = Integer.parseInt(name.split("\\.")[2]);
                boolean isNorm = name.contains("layernorm");
                train = (config.layers().isEmpty() || config.layers().contains(layer)) && (!isNorm || config.trainNorms());
            } else if (name.equals("model.norm.weight")) {
                train = config.trainNorms();
            } else {
                train = config.trainEmbeddings(); // embed_tokens, lm_head
            }
            p.freeze(!train);
            if (train) {
                trainable.put(name, p);
            }
        });
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("full fine-tuning config selects no parameter: " + config);
        }
    }

    @Override
    public TechniqueConfig config() {
        return config;
    }

    @Override
    public Map<String, Parameter> trainableParameters() {
        return Collections.unmodifiableMap(trainable);
    }
}
