package org.finetune4j.model.llama;

import ai.djl.ndarray.NDArray;
import org.finetune4j.model.Module;
import org.finetune4j.model.RmsNorm;
import org.finetune4j.model.SublayerAdapter;

/**
 * One pre-norm decoder layer ({@code model.layers.i}):
 * {@code h += attn(norm1(h)); h += mlp(norm2(h))}, with optional adapters after each sub-layer.
 */
public final class LlamaDecoderLayer extends Module {
    private final RmsNorm inputNorm;
    private final LlamaAttention attention;
    private final RmsNorm postAttentionNorm;
    private final LlamaMlp mlp;
    private SublayerAdapter attentionAdapter;
    private SublayerAdapter mlpAdapter;

    public LlamaDecoderLayer(RmsNorm inputNorm, LlamaAttention attention, RmsNorm postAttentionNorm, LlamaMlp mlp) {
        this.inputNorm = registerModule("input_layernorm", inputNorm);
        this.attention = registerModule("self_attn", attention);
        this.postAttentionNorm = registerModule("post_attention_layernorm", postAttentionNorm);
        this.mlp = registerModule("mlp", mlp);
    }

    /** h (B, T, D) -> (B, T, D). */
    public NDArray forward(NDArray h, AttentionContext ctx) {
        NDArray a = attention.forward(inputNorm.forward(h), ctx);
        if (attentionAdapter != null) {
            a = attentionAdapter.adapt(a);
        }
        h = h.add(a);
        NDArray m = mlp.forward(postAttentionNorm.forward(h));
        if (mlpAdapter != null) {
            m = mlpAdapter.adapt(m);
        }
        return h.add(m);
    }

    /** Inserts an adapter after the attention sub-layer, registered as {@code attn_adapter}. */
    public void setAttentionAdapter(SublayerAdapter adapter) {
        if (attentionAdapter != null) {
            throw new IllegalStateException("layer already has an attention adapter");
        }
        attentionAdapter = registerModule("attn_adapter", adapter);
    }

    /** Inserts an adapter after the MLP sub-layer, registered as {@code mlp_adapter}. */
    public void setMlpAdapter(SublayerAdapter adapter) {
        if (mlpAdapter != null) {
            throw new IllegalStateException("layer already has an MLP adapter");
        }
        mlpAdapter = registerModule("mlp_adapter", adapter);
    }

    public LlamaAttention attention() {
        return attention;
    }

    public LlamaMlp mlp() {
        return mlp;
    }

    public RmsNorm inputNorm() {
        return inputNorm;
    }

    public RmsNorm postAttentionNorm() {
        return postAttentionNorm;
    }
}
