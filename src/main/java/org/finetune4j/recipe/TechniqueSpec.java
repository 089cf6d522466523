package org.finetune4j.recipe;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import org.finetune4j.peft.AdapterActivation;
import org.finetune4j.peft.AdapterConfig;
import org.finetune4j.peft.AdapterPlacement;
import org.finetune4j.peft.BitFitConfig;
import org.finetune4j.peft.FullFineTuningConfig;
import org.finetune4j.peft.LoraConfig;
import org.finetune4j.peft.LoraInit;
import org.finetune4j.peft.PrefixTuningConfig;
import org.finetune4j.peft.PromptInit;
import org.finetune4j.peft.PromptTuningConfig;
import org.finetune4j.peft.QloraConfig;
import org.finetune4j.peft.TechniqueConfig;
import org.finetune4j.peft.TechniqueType;

/**
 * The {@code technique} section of a recipe: {@code type} picks the record, the other keys are that technique's
 * parameters in snake_case. A key left out takes the library's default (the builders and factory methods of
 * {@code org.finetune4j.peft}), so a recipe only states what it changes and the defaults live in one place.
 *
 * <p>The {@code type} names are the {@link TechniqueType} constants in lower case ({@code prompt_tuning});
 * {@link #type()} gives the enum, so nothing downstream switches on a string.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = TechniqueSpec.Lora.class, name = "lora"),
    @JsonSubTypes.Type(value = TechniqueSpec.Qlora.class, name = "qlora"),
    @JsonSubTypes.Type(value = TechniqueSpec.Full.class, name = "full"),
    @JsonSubTypes.Type(value = TechniqueSpec.PromptTuning.class, name = "prompt_tuning"),
    @JsonSubTypes.Type(value = TechniqueSpec.PrefixTuning.class, name = "prefix_tuning"),
    @JsonSubTypes.Type(value = TechniqueSpec.Adapter.class, name = "adapter"),
    @JsonSubTypes.Type(value = TechniqueSpec.BitFit.class, name = "bitfit")
})
public sealed interface TechniqueSpec {

    TechniqueType type();

    /** The library's config, with defaults for every key the recipe left out. */
    TechniqueConfig toConfig();

    /**
     * LoRA (also rsLoRA and DoRA). Defaults: {@link LoraConfig.Builder} (r 16, alpha 16, all projections).
     *
     * @param init {@code kaiming_uniform} (PEFT's default) or {@code gaussian}
     */
    record Lora(Integer r, Double alpha, Double dropout, List<String> targetModules, Boolean useRslora,
            Boolean useDora, List<String> modulesToSave, LoraInit init) implements TechniqueSpec {
        @Override
        public TechniqueType type() {
            return TechniqueType.LORA;
        }

        @Override
        public LoraConfig toConfig() {
            return loraConfig(r, alpha, dropout, targetModules, useRslora, useDora, modulesToSave, init);
        }
    }

    /**
     * QLoRA: the LoRA keys plus the 4-bit storage. Defaults: LoRA's, and {@link QloraConfig#of} for
     * {@code block_size}, {@code double_quant}, {@code nested_block_size}.
     */
    record Qlora(Integer r, Double alpha, Double dropout, List<String> targetModules, Boolean useRslora,
            Boolean useDora, List<String> modulesToSave, LoraInit init, Integer blockSize, Boolean doubleQuant,
            Integer nestedBlockSize) implements TechniqueSpec {
        @Override
        public TechniqueType type() {
            return TechniqueType.QLORA;
        }

        @Override
        public QloraConfig toConfig() {
            QloraConfig defaults = QloraConfig.of(
                    loraConfig(r, alpha, dropout, targetModules, useRslora, useDora, modulesToSave, init));
            return new QloraConfig(defaults.lora(), or(blockSize, defaults.blockSize()),
                    or(doubleQuant, defaults.doubleQuant()), or(nestedBlockSize, defaults.nestedBlockSize()));
        }
    }

    /**
     * Full fine-tuning. Defaults: {@link FullFineTuningConfig#all()}.
     *
     * @param layers decoder layer indices to train; empty or absent = all
     */
    record Full(List<Integer> layers, Boolean trainEmbeddings, Boolean trainNorms) implements TechniqueSpec {
        @Override
        public TechniqueType type() {
            return TechniqueType.FULL;
        }

        @Override
        public FullFineTuningConfig toConfig() {
            FullFineTuningConfig all = FullFineTuningConfig.all();
            return new FullFineTuningConfig(or(layers, all.layers()), or(trainEmbeddings, all.trainEmbeddings()),
                    or(trainNorms, all.trainNorms()));
        }
    }

    /**
     * Prompt tuning. {@code num_virtual_tokens} is required; {@code init} defaults to {@code sample_vocab}.
     * {@code text} init needs the tokenizer's ids of the text, which {@code PeftModel.create} cannot take, so
     * it is refused when the recipe is loaded rather than after the model has been.
     */
    record PromptTuning(Integer numVirtualTokens, PromptInit init) implements TechniqueSpec {
        @Override
        public TechniqueType type() {
            return TechniqueType.PROMPT_TUNING;
        }

        @Override
        public PromptTuningConfig toConfig() {
            Recipe.require(numVirtualTokens, "num_virtual_tokens");
            if (init == PromptInit.TEXT) {
                throw new IllegalArgumentException("init 'text' is not available from a recipe (it needs the"
                        + " tokenized text); use random or sample_vocab");
            }
            return new PromptTuningConfig(numVirtualTokens, or(init, PromptInit.SAMPLE_VOCAB), null);
        }
    }

    /**
     * Prefix tuning. {@code num_virtual_tokens} is required; no reparameterisation MLP unless
     * {@code prefix_projection} (its width {@code encoder_hidden_size}, 0 = the KV width).
     */
    record PrefixTuning(Integer numVirtualTokens, Boolean prefixProjection, Integer encoderHiddenSize)
            implements TechniqueSpec {
        @Override
        public TechniqueType type() {
            return TechniqueType.PREFIX_TUNING;
        }

        @Override
        public PrefixTuningConfig toConfig() {
            Recipe.require(numVirtualTokens, "num_virtual_tokens");
            return new PrefixTuningConfig(numVirtualTokens, or(prefixProjection, false), or(encoderHiddenSize, 0));
        }
    }

    /** Bottleneck adapters. Defaults: {@link AdapterConfig#houlsby()}. */
    record Adapter(AdapterPlacement placement, Integer reductionFactor, AdapterActivation activation)
            implements TechniqueSpec {
        @Override
        public TechniqueType type() {
            return TechniqueType.ADAPTER;
        }

        @Override
        public AdapterConfig toConfig() {
            AdapterConfig h = AdapterConfig.houlsby();
            return new AdapterConfig(or(placement, h.placement()), or(reductionFactor, h.reductionFactor()),
                    or(activation, h.activation()));
        }
    }

    /** BitFit. Defaults: {@link BitFitConfig#allProjections()}. */
    record BitFit(List<String> targetModules) implements TechniqueSpec {
        @Override
        public TechniqueType type() {
            return TechniqueType.BITFIT;
        }

        @Override
        public BitFitConfig toConfig() {
            return new BitFitConfig(or(targetModules, BitFitConfig.allProjections().targetModules()));
        }
    }

    private static LoraConfig loraConfig(Integer r, Double alpha, Double dropout, List<String> targetModules,
            Boolean useRslora, Boolean useDora, List<String> modulesToSave, LoraInit init) {
        LoraConfig.Builder b = LoraConfig.builder();
        if (r != null) {
            b.optR(r);
        }
        if (alpha != null) {
            b.optAlpha(alpha);
        }
        if (dropout != null) {
            b.optDropout(dropout);
        }
        if (targetModules != null) {
            b.optTargetModules(targetModules);
        }
        if (useRslora != null) {
            b.optUseRslora(useRslora);
        }
        if (useDora != null) {
            b.optUseDora(useDora);
        }
        if (modulesToSave != null) {
            b.optModulesToSave(modulesToSave);
        }
        if (init != null) {
            b.optInit(init);
        }
        return b.build();
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
