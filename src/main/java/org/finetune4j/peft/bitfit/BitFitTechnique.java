package org.finetune4j.peft.bitfit;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.finetune4j.model.Linear;
import org.finetune4j.model.LinearLayer;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.AppliedTechnique;
import org.finetune4j.peft.BitFitConfig;
import org.finetune4j.peft.TargetModules;

/**
 * BitFit (Ben Zaken et al., 2022): only bias terms train.
 *
 * <p>Llama and Mistral have no biases at all (Qwen2 only on q/k/v), so for every target linear layer
 * without one this technique replaces the layer by a {@link Linear} sharing the same (frozen) weight
 * plus a zero bias that trains; existing biases are simply unfrozen. Zero biases leave the model
 * identical at step 0. Because the added biases are only a per-channel shift of each projection's
 * output, BitFit has far less capacity than LoRA on these families — it is here as a baseline.
 */
public final class BitFitTechnique implements AppliedTechnique {
    private final BitFitConfig config;
    private final Map<String, Parameter> trainable = new LinkedHashMap<>();
    private final List<String> addedBiases;

    private BitFitTechnique(BitFitConfig config, List<String> addedBiases) {
        this.config = config;
        this.addedBiases = List.copyOf(addedBiases);
    }

    /** Unfreezes or adds a bias on every target of {@code config}; everything else is frozen. */
    public static BitFitTechnique apply(LlamaForCausalLM base, BitFitConfig config) {
        Map<String, LinearLayer> targets = TargetModules.resolve(base, config.targetModules());
        base.setTrainable(false);
        List<String> added = new java.util.ArrayList<>();
        Map<String, Parameter> biases = new LinkedHashMap<>();
        for (Map.Entry<String, LinearLayer> e : targets.entrySet()) {
            if (!(e.getValue() instanceof Linear linear)) {
                throw new IllegalArgumentException("BitFit needs plain linear layers; " + e.getKey() + " is a "
                        + e.getValue().getClass().getSimpleName());
            }
            Linear withBias = linear;
            if (linear.bias() == null) {
                NDArray w = linear.weight();
                NDArray zero = base.resources().manager().zeros(new ai.djl.ndarray.types.Shape(linear.outFeatures()),
                        w.getDataType());
                withBias = new Linear(w, zero, false);
                base.replaceModuleAt(e.getKey(), withBias);
                added.add(e.getKey());
            }
            Parameter bias = withBias.ownParameters().get("bias");
            bias.freeze(false);
            biases.put(e.getKey() + ".bias", bias);
        }
        BitFitTechnique t = new BitFitTechnique(config, added);
        t.trainable.putAll(biases);
        return t;
    }

    /** Module paths whose bias this technique added (the others already had one). */
    public List<String> addedBiases() {
        return addedBiases;
    }

    @Override
    public BitFitConfig config() {
        return config;
    }

    @Override
    public Map<String, Parameter> trainableParameters() {
        return Collections.unmodifiableMap(trainable);
    }
}
