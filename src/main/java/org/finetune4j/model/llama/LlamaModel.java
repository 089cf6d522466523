package org.finetune4j.model.llama;

import ai.djl.ndarray.NDArray;
import org.finetune4j.model.Embedding;
import org.finetune4j.model.Module;
import org.finetune4j.model.ModuleList;
import org.finetune4j.model.RmsNorm;

/** The decoder stack ({@code model}): {@code embed_tokens}, {@code layers}, final {@code norm}. */
public final class LlamaModel extends Module {
    private final Embedding embedTokens;
    private final ModuleList<LlamaDecoderLayer> layers;
    private final RmsNorm norm;

    public LlamaModel(Embedding embedTokens, ModuleList<LlamaDecoderLayer> layers, RmsNorm norm) {
        this.embedTokens = registerModule("embed_tokens", embedTokens);
        this.layers = registerModule("layers", layers);
        this.norm = registerModule("norm", norm);
    }

    public Embedding embedTokens() {
        return embedTokens;
    }

    public ModuleList<LlamaDecoderLayer> layers() {
        return layers;
    }

    public RmsNorm norm() {
        return norm;
    }

    /** h (B, T, D) through every layer, then the final norm. */
    public NDArray forwardLayers(NDArray h, AttentionContext ctx) {
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).forward(h, ctx);
        }
        return norm.forward(h);
    }
}
