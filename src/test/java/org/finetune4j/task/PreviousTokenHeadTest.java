package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Random;
import java.util.Set;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.io.HalfFloats;
import org.finetune4j.model.ModelResources;
import org.finetune4j.model.WeightSource;
import org.finetune4j.model.llama.AttentionContext;
import org.finetune4j.model.llama.ForwardInput;
import org.finetune4j.model.llama.LlamaAttention;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.model.llama.RotaryEmbedding;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;

/** The hand-set head of layer 0 attends to the previous position for any tokens, through the model's own code. */
class PreviousTokenHeadTest {
    /** The bundled base's attention shape (dim 256, 8 heads / 4 KV heads, head dim 32) on a small vocabulary. */
    static final LlamaConfig CONFIG = LlamaConfig.builder().setVocabSize(300).setHiddenSize(256)
            .setIntermediateSize(64).setNumHiddenLayers(2).setNumAttentionHeads(8).optNumKeyValueHeads(4)
            .optMaxPositionEmbeddings(512).optRopeTheta(10000).optTieWordEmbeddings(true).build();

    @Test
    void headZeroOfLayerZeroAttendsToThePreviousPositionWhateverTheTokens() {
        WeightSource w = PreviousTokenHead.apply(CONFIG, LlamaForCausalLM.randomWeights(CONFIG, 7, 0.02), 0.02);
        int t = 300;
        long[] ids = new Random(3).longs(t, 0, CONFIG.vocabSize()).toArray();
        try (NDManager root = Djl.engine().newBaseManager();
                LlamaForCausalLM model = LlamaForCausalLM.fromWeights(CONFIG, w,
                        ModelResources.create(root, DevicePolicy.cpu()));
                NDManager m = root.newSubManager()) {
            NDArray idArray = m.create(ids).reshape(1, t);
            NDArray h = model.embed(idArray); // (1, T, D)
            AttentionContext ctx = model.attentionContext(h, ForwardInput.of(idArray));
            NDArray x = model.model().layers().get(0).inputNorm().forward(h);
            LlamaAttention attn = model.model().layers().get(0).attention();
            int hd = CONFIG.headDim();
            NDArray q = RotaryEmbedding.apply(attn.qProj().forward(x).reshape(1, t, 8, hd).transpose(0, 2, 1, 3),
                    ctx.cos(), ctx.sin()); // (1, H, T, hd)
            NDArray k = RotaryEmbedding.apply(attn.kProj().forward(x).reshape(1, t, 4, hd).transpose(0, 2, 1, 3),
                    ctx.cos(), ctx.sin()); // (1, H_kv, T, hd)
            NDArray scores = q.get(new NDIndex("0, 0")).matMul(k.get(new NDIndex("0, 0")).transpose())
                    .div(m.create((float) Math.sqrt(hd))); // (T, T): query m, key n
            float[] s = scores.toFloatArray();
            double minWeight = 1;
            double sumWeight = 0;
            for (int row = 1; row < t; row++) {
                int best = 0;
                double max = Double.NEGATIVE_INFINITY;
                double z = 0;
                for (int col = 0; col <= row; col++) { // causal: keys up to the query
                    max = Math.max(max, s[row * t + col]);
                }
                for (int col = 0; col <= row; col++) {
                    z += Math.exp(s[row * t + col] - max);
                    if (s[row * t + col] == max) {
                        best = col;
                    }
                }
                assertEquals(row - 1, best, "query " + row);
                double weight = Math.exp(s[row * t + row - 1] - max) / z;
                minWeight = Math.min(minWeight, weight);
                sumWeight += weight;
            }
            // the content-free score peaks at distance 1 (≈ 75) with every other distance below 0.86 of it; the
            // per-token RMSNorm scale moves that a little
            double mean = sumWeight / (t - 1);
            assertTrue(minWeight > 0.5 && mean > 0.99, "softmax weight on t-1: min " + minWeight + ", mean " + mean);
        }
    }

    @Test
    void changesOnlyTheEmbeddingChannelAndLayerZeroAttentionRows() {
        WeightSource base = LlamaForCausalLM.randomWeights(CONFIG, 7, 0.02);
        WeightSource set = PreviousTokenHead.apply(CONFIG, base, 0.02);
        Set<String> touched = Set.of("model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight",
                "model.layers.0.self_attn.k_proj.weight", "model.layers.0.self_attn.v_proj.weight");
        assertEquals(base.names(), set.names());
        for (String n : base.names()) {
            if (touched.contains(n)) {
                assertNotEquals(base.get(n), set.get(n), n);
            } else {
                assertEquals(base.get(n), set.get(n), n);
            }
        }
        // rows of query head 1 and up are untouched
        float[] q0 = HalfFloats.toFloats(base.get("model.layers.0.self_attn.q_proj.weight"));
        float[] q1 = HalfFloats.toFloats(set.get("model.layers.0.self_attn.q_proj.weight"));
        int from = CONFIG.headDim() * CONFIG.hiddenSize();
        for (int i = from; i < q0.length; i++) {
            assertEquals(q0[i], q1[i], "q_proj element " + i);
        }
    }

    @Test
    void aHeadTooSmallForTheRotaryPairsIsRejected() {
        LlamaConfig small = LlamaConfig.builder().setVocabSize(20).setHiddenSize(16).setIntermediateSize(16)
                .setNumHiddenLayers(1).setNumAttentionHeads(2).optMaxPositionEmbeddings(16).build(); // head dim 8
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PreviousTokenHead.apply(small, LlamaForCausalLM.randomWeights(small, 1, 0.02), 0.02));
        assertTrue(e.getMessage().contains("head dim 8"), e.getMessage());
    }
}
