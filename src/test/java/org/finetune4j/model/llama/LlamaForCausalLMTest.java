package org.finetune4j.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.config.ModelType;
import org.finetune4j.config.RopeScaling;
import org.finetune4j.config.RopeType;
import org.finetune4j.io.HostTensor;
import org.finetune4j.model.ModelLoadException;
import org.finetune4j.model.ModelResources;
import org.finetune4j.model.WeightSource;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class LlamaForCausalLMTest {

    static LlamaConfig.Builder tiny() {
        return LlamaConfig.builder().setVocabSize(61).setHiddenSize(32).setIntermediateSize(48)
                .setNumHiddenLayers(2).setNumAttentionHeads(4).optMaxPositionEmbeddings(64);
    }

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("llama GQA untied", tiny().optNumKeyValueHeads(2).build()),
                Arguments.of("llama MHA tied", tiny().optTieWordEmbeddings(true).build()),
                Arguments.of("llama MQA explicit head_dim", tiny().optNumKeyValueHeads(1).optHeadDim(12).build()),
                Arguments.of("qwen2 q/k/v biases", tiny().setModelType(ModelType.QWEN2).optNumKeyValueHeads(2)
                        .optTieWordEmbeddings(true).build()),
                Arguments.of("llama attention+mlp bias", tiny().optAttentionBias(true).optMlpBias(true).build()),
                Arguments.of("llama3 rope scaling", tiny().optNumKeyValueHeads(2).optRopeTheta(500000)
                        .optRopeScaling(new RopeScaling(RopeType.LLAMA3, 8, 1, 4, 16)).build()));
    }

    /** Random weights with non-trivial norms and biases so every tensor matters. */
    static Map<String, HostTensor> weights(LlamaConfig c, long seed) {
        WeightSource base = LlamaForCausalLM.randomWeights(c, seed, 0.2);
        Random r = new Random(seed + 1);
        Map<String, HostTensor> out = new HashMap<>();
        for (String n : base.names()) {
            HostTensor t = base.get(n);
            if (n.endsWith("norm.weight") || n.endsWith(".bias")) {
                float[] v = new float[(int) t.numel()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (n.endsWith(".bias") ? r.nextGaussian() * 0.1 : 1 + r.nextGaussian() * 0.1);
                }
                t = HostTensor.ofFloats(v, t.shape());
            }
            out.put(n, t);
        }
        return out;
    }

    static float[][] logits(org.finetune4j.model.CausalLM model, int[] ids) {
        try (NDManager step = model.resources().newStepManager()) {
            long[] l = new long[ids.length];
            for (int i = 0; i < ids.length; i++) {
                l[i] = ids[i];
            }
            NDArray out = model.forward(ForwardInput.of(step.create(l, new Shape(1, ids.length))));
            float[] flat = out.toFloatArray();
            int v = model.config().vocabSize();
            float[][] res = new float[ids.length][v];
            for (int i = 0; i < ids.length; i++) {
                System.arraycopy(flat, i * v, res[i], 0, v);
            }
            return res;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void logitsMatchIndependentFloat64Reference(String name, LlamaConfig c) {
        Map<String, HostTensor> w = weights(c, 7);
        int[] ids = {3, 17, 42, 0, 59, 8, 8, 31, 12, 5, 40};
        double[][] expected = new LlamaReference(c, w).logits(ids);
        try (NDManager root = Djl.engine().newBaseManager();
                LlamaForCausalLM model = LlamaForCausalLM.fromWeights(c, WeightSource.of(w, "test"),
                        ModelResources.create(root, DevicePolicy.cpu()))) {
            float[][] actual = logits(model, ids);
            double maxDiff = 0;
            double maxAbs = 0;
            for (int i = 0; i < ids.length; i++) {
                for (int v = 0; v < c.vocabSize(); v++) {
                    maxDiff = Math.max(maxDiff, Math.abs(actual[i][v] - expected[i][v]));
                    maxAbs = Math.max(maxAbs, Math.abs(expected[i][v]));
                }
            }
            assertTrue(maxAbs > 0.5, "logits should be non-trivial, max |logit| = " + maxAbs);
            assertTrue(maxDiff < 1e-4, name + ": max |djl - reference| = " + maxDiff);
        }
    }

    @Test
    void mismatchedCheckpointNamesEveryProblem() {
        LlamaConfig c = tiny().optNumKeyValueHeads(2).build();
        Map<String, HostTensor> w = weights(c, 1);
        w.remove("model.layers.1.mlp.up_proj.weight");
        w.put("model.layers.0.self_attn.k_proj.weight", HostTensor.ofFloats(new float[32 * 32], 32, 32));
        w.put("model.layers.0.self_attn.extra.weight", HostTensor.ofFloats(new float[2], 2));
        try (NDManager root = Djl.engine().newBaseManager()) {
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> LlamaForCausalLM.fromWeights(c,
                    WeightSource.of(w, "fixture"), ModelResources.create(root, DevicePolicy.cpu())));
            String msg = e.getMessage();
            assertTrue(msg.contains("missing tensor model.layers.1.mlp.up_proj.weight"), msg);
            assertTrue(msg.contains("model.layers.0.self_attn.k_proj.weight has shape [32, 32], config needs [16, 32]"), msg);
            assertTrue(msg.contains("unexpected tensor model.layers.0.self_attn.extra.weight"), msg);
            assertTrue(msg.contains("fixture"), msg);
        }
    }

    @Test
    void parameterNamesAreHuggingFaceNames() {
        LlamaConfig c = tiny().setModelType(ModelType.QWEN2).optNumKeyValueHeads(2).build();
        try (NDManager root = Djl.engine().newBaseManager();
                LlamaForCausalLM model = LlamaForCausalLM.fromWeights(c, WeightSource.of(weights(c, 3), "t"),
                        ModelResources.create(root, DevicePolicy.cpu()))) {
            List<String> names = List.copyOf(model.namedParameters().keySet());
            assertEquals(List.copyOf(LlamaForCausalLM.expectedShapes(c).keySet()).stream().sorted().toList(),
                    names.stream().sorted().toList());
            assertTrue(model.findModule("model.layers.1.self_attn.q_proj").isPresent());
            assertEquals(c.parameterCount(), model.parameterCount());
        }
    }
}
