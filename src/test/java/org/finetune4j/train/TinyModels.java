package org.finetune4j.train;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.data.TokenBatch;
import org.finetune4j.model.ModelResources;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;

/** A tiny Llama (vocab 64, hidden 32, 2 layers) and random token batches for trainer tests. */
final class TinyModels {
    static final int VOCAB = 64;
    static final int T = 16;

    private TinyModels() {}

    static LlamaConfig config() {
        return LlamaConfig.builder().setVocabSize(VOCAB).setHiddenSize(32).setIntermediateSize(48)
                .setNumHiddenLayers(2).setNumAttentionHeads(4).optNumKeyValueHeads(2).optMaxPositionEmbeddings(64)
                .build();
    }

    /** A fully trainable model whose weights depend only on {@code seed}. */
    static LlamaForCausalLM model(long seed) {
        LlamaConfig c = config();
        NDManager base = Djl.engine().newBaseManager();
        LlamaForCausalLM m = LlamaForCausalLM.fromWeights(c, LlamaForCausalLM.randomWeights(c, seed, 0.02),
                ModelResources.create(base, DevicePolicy.cpu()));
        m.setTrainable(true);
        return m;
    }

    /**
     * B rows of T random ids; in row r the first {@code masked[r]} labels are IGNORE, so rows have
     * different target counts.
     */
    static TokenBatch batch(long seed, int... masked) {
        Random r = new Random(seed);
        int b = masked.length;
        long[][] ids = new long[b][T];
        for (long[] row : ids) {
            for (int t = 0; t < T; t++) {
                row[t] = r.nextInt(VOCAB);
            }
        }
        TokenBatch full = TokenBatch.ofFullRows(ids);
        long[][] labels = full.labels();
        for (int row = 0; row < b; row++) {
            for (int t = 0; t < masked[row]; t++) {
                labels[row][t] = TokenBatch.IGNORE;
            }
        }
        return new TokenBatch(ids, labels, full.segments(), full.positions());
    }

    static List<TokenBatch> batches(long seed, int n) {
        List<TokenBatch> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(batch(seed + i, i % 3, 2 * (i % 4)));
        }
        return out;
    }

    /** Every parameter's values, by name. */
    static Map<String, float[]> values(Map<String, Parameter> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((n, p) -> out.put(n, p.getArray().toFloatArray()));
        return out;
    }

    static double maxAbsDiff(Map<String, float[]> a, Map<String, float[]> b) {
        double max = 0;
        for (String n : a.keySet()) {
            float[] x = a.get(n);
            float[] y = b.get(n);
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs((double) x[i] - y[i]));
            }
        }
        return max;
    }
}
