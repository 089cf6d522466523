package org.finetune4j.model.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.Function;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.model.ModelResources;
import org.finetune4j.model.llama.ForwardInput;
import org.finetune4j.model.llama.KvCache;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;

/** The whole model with the fused kernels against the same model with {@code finetune4j.fusedOps=false}. */
class FusedModelTest {
    private static final int S = ForwardInput.SHARED;
    private static final int P = ForwardInput.PADDING;

    private static LlamaConfig config() {
        return LlamaConfig.builder().setVocabSize(61).setHiddenSize(48).setIntermediateSize(80)
                .setNumHiddenLayers(2).setNumAttentionHeads(6).optNumKeyValueHeads(2)
                .optMaxPositionEmbeddings(64).build();
    }

    @Test
    void packedPaddedAndSharedBatchLogitsEqualTheEagerPath() {
        for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
            long[] ids = {5, 9, 33, 2, 17, 44, 60, 1, 23, 8, 11, 12, 13, 14, 15, 16, 0, 0, 0, 0};
            // row 0: two packed samples; row 1: a shared prompt, one sample, right padding
            int[][] seg = {{0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, {S, S, S, 4, 4, 4, P, P, P, P}};
            long[][] pos = {{0, 1, 2, 3, 0, 1, 2, 3, 4, 5}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}};
            Function<LlamaForCausalLM, float[]> forward = model -> {
                try (NDManager step = model.resources().newStepManager()) {
                    return model.forward(ForwardInput.builder().setInputIds(step.create(ids, new Shape(2, 10)))
                            .optSegments(seg).optPositions(pos).build()).toType(DataType.FLOAT32, false)
                            .toFloatArray();
                }
            };
            compare("packed batch " + type, type, forward);
        }
    }

    @Test
    void kvCachePrefillAndDecodeStepsEqualTheEagerPath() {
        long[] seq = {5, 9, 33, 2, 17, 44, 60};
        int prompt = 4;
        compare("cached decode", DataType.FLOAT32, model -> {
            int v = model.config().vocabSize();
            float[] all = new float[seq.length * v];
            try (NDManager gen = model.resources().newStepManager()) {
                KvCache cache = new KvCache(model.config(), 1, seq.length, gen, DataType.FLOAT32);
                for (int pos = 0; pos < seq.length; ) {
                    int n = pos == 0 ? prompt : 1;
                    long[] ids = java.util.Arrays.copyOfRange(seq, pos, pos + n);
                    try (NDManager step = gen.newSubManager()) {
                        float[] got = model.forward(ForwardInput.builder().setInputIds(step.create(ids, new Shape(1, n)))
                                .optCache(cache).build()).toFloatArray();
                        System.arraycopy(got, 0, all, pos * v, got.length);
                    }
                    pos += n;
                }
            }
            return all;
        });
    }

    /** Runs {@code forward} on one model with the fused kernels, then with them off, and compares. */
    private static void compare(String what, DataType type, Function<LlamaForCausalLM, float[]> forward) {
        LlamaConfig c = config();
        String old = System.getProperty(FusedOps.PROPERTY);
        try (NDManager root = Djl.engine().newBaseManager();
                LlamaForCausalLM model = LlamaForCausalLM.fromWeights(c, LlamaForCausalLM.randomWeights(c, 3, 0.2),
                        ModelResources.create(root, new DevicePolicy(Device.cpu(), type)))) {
            System.clearProperty(FusedOps.PROPERTY);
            for (FusedKernel k : new FusedKernel[] {FusedKernel.ATTENTION, FusedKernel.SWIGLU, FusedKernel.RMS_NORM}) {
                assertTrue(FusedOps.isActive(k, type), k + " should be active for " + type);
            }
            float[] fused = forward.apply(model);
            System.setProperty(FusedOps.PROPERTY, "false");
            float[] eager = forward.apply(model);
            Deviation d = Deviation.between(what + " logits", eager, fused);
            assertTrue(d.maxAbs() > 0.1, what + ": logits should be non-trivial, max |logit| = " + d.maxAbs());
            assertTrue(d.maxDiff() < 1e-4, what + ": max |fused - eager| = " + d.maxDiff());
        } finally {
            if (old == null) {
                System.clearProperty(FusedOps.PROPERTY);
            } else {
                System.setProperty(FusedOps.PROPERTY, old);
            }
        }
    }
}
