package org.finetune4j.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.util.Map;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.model.CausalLM;
import org.finetune4j.model.Embedding;
import org.finetune4j.model.ModelResources;
import org.finetune4j.model.llama.ForwardInput;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.lora.LoraTechnique;
import org.finetune4j.peft.qlora.QloraTechnique;

/**
 * A base model with one fine-tuning technique applied: what the trainer trains, the generator runs
 * and the exporters save. Created by {@link #create}.
 */
public final class PeftModel implements CausalLM, AutoCloseable {
    private final LlamaForCausalLM base;
    private final AppliedTechnique technique;
    private double neftuneNoiseAlpha;

    private PeftModel(LlamaForCausalLM base, AppliedTechnique technique) {
        this.base = base;
        this.technique = technique;
    }

    /**
     * Applies {@code config} to {@code base} in place (modules are wrapped or replaced; the base's own
     * weights are frozen unless the technique trains them). {@code seed} fixes the new tensors' init.
     */
    public static PeftModel create(LlamaForCausalLM base, TechniqueConfig config, long seed) {
        base.setTrainable(false);
        // Java 17 has no pattern switch; the sealed interface keeps type() and the record in step.
        AppliedTechnique t = switch (config.type()) {
            case FULL -> new FullTechnique(base, (FullFineTuningConfig) config);
            case LORA -> LoraTechnique.apply(base, (LoraConfig) config, config, seed, l -> l);
            case QLORA -> QloraTechnique.apply(base, (QloraConfig) config, seed);
            case PROMPT_TUNING -> Techniques.promptTuning(base, (PromptTuningConfig) config, seed);
            case PREFIX_TUNING -> Techniques.prefixTuning(base, (PrefixTuningConfig) config, seed);
            case ADAPTER -> Techniques.adapters(base, (AdapterConfig) config, seed);
            case BITFIT -> Techniques.bitFit(base, (BitFitConfig) config, seed);
        };
        return new PeftModel(base, t);
    }

    @Override
    public NDArray forward(ForwardInput in) {
        return technique.forward(base, in);
    }

    @Override
    public LlamaConfig config() {
        return base.config();
    }

    @Override
    public ModelResources resources() {
        return base.resources();
    }

    @Override
    public int extraCachePositions() {
        return technique.extraCachePositions();
    }

    public LlamaForCausalLM base() {
        return base;
    }

    public AppliedTechnique technique() {
        return technique;
    }

    public TechniqueType type() {
        return technique.config().type();
    }

    /** What the optimizer updates, by name. */
    public Map<String, Parameter> trainableParameters() {
        return technique.trainableParameters();
    }

    /**
     * Dropout and NEFTune noise ({@link #setNeftuneNoiseAlpha}) on during training, off for evaluation and generation.
     * Like LoRA dropout, the noise also applies to the validation loss computed while training mode is on.
     */
    public void setTraining(boolean training) {
        technique.setTraining(training);
        base.model().embedTokens().setNoiseAlpha(training ? neftuneNoiseAlpha : 0);
    }

    /**
     * NEFTune (TRL's {@code neftune_noise_alpha}): uniform noise of α/√(T·D) on the input embeddings of training
     * forwards; 0 (the default) turns it off. Takes effect at the next {@link #setTraining}{@code (true)}.
     */
    public PeftModel setNeftuneNoiseAlpha(double alpha) {
        this.neftuneNoiseAlpha = Embedding.requireNoiseAlpha(alpha);
        return this;
    }

    public double neftuneNoiseAlpha() {
        return neftuneNoiseAlpha;
    }

    /** Parameter counts and memory of this model under its technique. */
    public TechniqueReport report() {
        long total = 0;
        long trainable = 0;
        long frozenBytes = 0;
        for (Map.Entry<String, Parameter> e : base.namedParameters().entrySet()) {
            NDArray a = e.getValue().getArray();
            long bytes = a.size() * a.getDataType().getNumOfBytes();
            total += a.size();
            if (e.getValue().requiresGradient()) {
                trainable += a.size();
            } else {
                frozenBytes += bytes;
            }
        }
        for (Map.Entry<String, Parameter> e : technique.trainableParameters().entrySet()) {
            if (!base.namedParameters().containsKey(e.getKey())) { // technique-owned (prompt/prefix tensors)
                total += e.getValue().getArray().size();
                trainable += e.getValue().getArray().size();
            }
        }
        total += technique.quantizedParameters();
        frozenBytes += technique.quantizedBytes();
        return new TechniqueReport(type(), total, trainable, frozenBytes, trainable * 4, trainable * 8,
                technique.quantizedParameters(), technique.quantizedBytes(), technique.quantizedParameters() * 4);
    }

    @Override
    public void close() {
        base.close();
    }
}
