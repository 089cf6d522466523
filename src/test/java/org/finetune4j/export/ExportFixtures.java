package org.finetune4j.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.io.HostTensor;
import org.finetune4j.model.CausalLM;
import org.finetune4j.model.ModelResources;
import org.finetune4j.model.WeightSource;
import org.finetune4j.model.llama.ForwardInput;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.lora.LoraLinear;
import org.finetune4j.runtime.DevicePolicy;

/** A tiny Llama, its weights, and helpers to give a LoRA model a real (non-zero) update. */
final class ExportFixtures {
    static final int[] IDS = {3, 17, 42, 0, 59, 8, 8, 31, 12, 5, 40};

    private ExportFixtures() {}

    /** The shape of {@code LlamaForCausalLMTest.tiny()} with GQA: q (32→32), k/v (32→16), MLP 32↔48. */
    static LlamaConfig tinyConfig(boolean tied) {
        return LlamaConfig.builder().setVocabSize(61).setHiddenSize(32).setIntermediateSize(48)
                .setNumHiddenLayers(2).setNumAttentionHeads(4).optNumKeyValueHeads(2).optMaxPositionEmbeddings(64)
                .optTieWordEmbeddings(tied).build();
    }

    static Map<String, HostTensor> weights(LlamaConfig c, long seed) {
        WeightSource w = LlamaForCausalLM.randomWeights(c, seed, 0.2);
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (String n : w.names()) {
            out.put(n, w.get(n));
        }
        return out;
    }

    static LlamaForCausalLM model(NDManager root, LlamaConfig c, Map<String, HostTensor> weights) {
        return LlamaForCausalLM.fromWeights(c, WeightSource.of(weights, "test weights"),
                ModelResources.create(root, DevicePolicy.cpu()));
    }

    /** Logits (T, V) of one sequence. */
    static float[][] logits(CausalLM model, int[] ids) {
        return org.finetune4j.model.llama.LlamaForCausalLMTestAccess.logits(model, ids);
    }

    static double maxAbsDiff(float[][] a, float[][] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                d = Math.max(d, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return d;
    }

    /**
     * Sets every B to N(0, 0.1²) and scales every DoRA magnitude by 1 ± 0.2, as training would, so the
     * adapter changes the model's output.
     */
    static void trainLikeUpdate(PeftModel model, long seed) {
        Random rnd = new Random(seed);
        for (LoraLinear l : LoraParts.of(model, "test").technique().wrappedLayers().values()) {
            float[] b = new float[(int) l.loraB().weight().size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) (rnd.nextGaussian() * 0.1);
            }
            PeftAdapterReader.copyInto(l.loraB().weightParameter(), b);
            if (l.magnitude() != null) {
                float[] m = l.magnitude().getArray().toFloatArray();
                for (int i = 0; i < m.length; i++) {
                    m[i] *= (float) (1 + (rnd.nextDouble() - 0.5) * 0.4);
                }
                PeftAdapterReader.copyInto(l.magnitude(), m);
            }
        }
    }

    /** Row-major float values of a stored tensor. */
    static float[] floats(HostTensor t) {
        return org.finetune4j.io.HalfFloats.toFloats(t);
    }
}
