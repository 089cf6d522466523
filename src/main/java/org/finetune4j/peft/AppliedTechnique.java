package org.finetune4j.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.util.Map;
import org.finetune4j.model.llama.ForwardInput;
import org.finetune4j.model.llama.LlamaForCausalLM;

/**
 * A technique after it has been applied to a base model: what it trains and how it changes the
 * forward pass. Techniques that only wrap modules (LoRA, adapters, BitFit, full) keep the base model's
 * forward; prompt and prefix tuning override {@link #forward}.
 */
public interface AppliedTechnique {

    TechniqueConfig config();

    /**
     * Trainable tensors by their in-memory HF-style name (e.g.
     * {@code model.layers.0.self_attn.q_proj.lora_A.weight}, {@code prompt_embeddings}).
     */
    Map<String, Parameter> trainableParameters();

    /** The forward pass with the technique in effect. */
    default NDArray forward(LlamaForCausalLM base, ForwardInput in) {
        return base.forward(in);
    }

    /** KV-cache positions the technique adds before the real tokens (prompt tuning's virtual tokens). */
    default int extraCachePositions() {
        return 0;
    }

    /** Switches dropout and other training-only behaviour. */
    default void setTraining(boolean training) {}

    /** Bytes of frozen base storage that this technique replaced (e.g. 4-bit weights), 0 otherwise. */
    default long quantizedBytes() {
        return 0;
    }

    /** Parameters stored quantized, 0 when none. */
    default long quantizedParameters() {
        return 0;
    }
}
