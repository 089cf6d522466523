package org.finetune4j.peft;

import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.adapter.AdapterTechnique;
import org.finetune4j.peft.bitfit.BitFitTechnique;
import org.finetune4j.peft.prefix.PrefixTuningTechnique;
import org.finetune4j.peft.prompt.PromptTuningTechnique;

/** Factories of the techniques that are not LoRA-based; each lives in its own sub-package. */
final class Techniques {
    private Techniques() {}

    /**
     * Prompt tuning with RANDOM or SAMPLE_VOCAB init. TEXT init needs the tokenised init text, which
     * only the caller's tokenizer knows: use {@link #promptTuning(LlamaForCausalLM, PromptTuningConfig, long[], long)}.
     */
    static AppliedTechnique promptTuning(LlamaForCausalLM base, PromptTuningConfig c, long seed) {
        if (c.init() == PromptInit.TEXT) {
            throw new IllegalArgumentException("prompt_tuning_init TEXT needs the token ids of '" + c.initText()
                    + "': create the technique with its token ids (PromptTuningTechnique.apply)");
        }
        return PromptTuningTechnique.apply(base, c, null, seed);
    }

    /** Prompt tuning with the token ids of the init text (used by TEXT init). */
    static AppliedTechnique promptTuning(LlamaForCausalLM base, PromptTuningConfig c, long[] initTokenIds, long seed) {
        return PromptTuningTechnique.apply(base, c, initTokenIds, seed);
    }

    static AppliedTechnique prefixTuning(LlamaForCausalLM base, PrefixTuningConfig c, long seed) {
        return PrefixTuningTechnique.apply(base, c, seed);
    }

    static AppliedTechnique adapters(LlamaForCausalLM base, AdapterConfig c, long seed) {
        return AdapterTechnique.apply(base, c, seed);
    }

    static AppliedTechnique bitFit(LlamaForCausalLM base, BitFitConfig c, long seed) {
        return BitFitTechnique.apply(base, c);
    }
}
