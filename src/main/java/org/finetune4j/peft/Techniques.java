package org.finetune4j.peft;

import org.finetune4j.model.llama.LlamaForCausalLM;

/** Factories of the techniques that are not LoRA-based; each lives in its own sub-package. */
final class Techniques {
    private Techniques() {}

    static AppliedTechnique promptTuning(LlamaForCausalLM base, PromptTuningConfig c, long seed) {
        throw new UnsupportedOperationException("prompt tuning is not implemented yet");
    }

    static AppliedTechnique prefixTuning(LlamaForCausalLM base, PrefixTuningConfig c, long seed) {
        throw new UnsupportedOperationException("prefix tuning is not implemented yet");
    }

    static AppliedTechnique adapters(LlamaForCausalLM base, AdapterConfig c, long seed) {
        throw new UnsupportedOperationException("bottleneck adapters are not implemented yet");
    }

    static AppliedTechnique bitFit(LlamaForCausalLM base, BitFitConfig c, long seed) {
        throw new UnsupportedOperationException("BitFit is not implemented yet");
    }
}
