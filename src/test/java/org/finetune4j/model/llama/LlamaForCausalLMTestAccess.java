package org.finetune4j.model.llama;

/** Lets tests of other packages reuse the full-recompute logits helper. */
public final class LlamaForCausalLMTestAccess {
    private LlamaForCausalLMTestAccess() {}

    public static float[][] logits(org.finetune4j.model.CausalLM model, int[] ids) {
        return LlamaForCausalLMTest.logits(model, ids);
    }
}
