package org.finetune4j.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.model.ModelResources;
import org.finetune4j.model.WeightSource;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;

class KvCacheTest {

    @Test
    void everyCachedStepEqualsFullRecomputation() {
        LlamaConfig c = LlamaForCausalLMTest.tiny().optNumKeyValueHeads(2).build();
        int[] seq = {5, 9, 33, 2, 17, 44, 60, 1, 23, 23, 8, 50};
        int promptLen = 4;
        try (NDManager root = Djl.engine().newBaseManager();
                LlamaForCausalLM model = LlamaForCausalLM.fromWeights(c,
                        WeightSource.of(LlamaForCausalLMTest.weights(c, 11), "t"),
                        ModelResources.create(root, DevicePolicy.cpu()));
                NDManager gen = model.resources().newStepManager()) {
            KvCache cache = new KvCache(c, 1, seq.length, gen, model.resources().computeType());
            float[][] full = LlamaForCausalLMTest.logits(model, seq);
            double worst = 0;
            int pos = 0;
            while (pos < seq.length) {
                int n = pos == 0 ? promptLen : 1; // prefill, then one token per step
                long[] ids = new long[n];
                for (int i = 0; i < n; i++) {
                    ids[i] = seq[pos + i];
                }
                try (NDManager step = gen.newSubManager()) {
                    NDArray logits = model.forward(ForwardInput.builder()
                            .setInputIds(step.create(ids, new Shape(1, n))).optCache(cache).build());
                    float[] got = logits.toFloatArray();
                    for (int i = 0; i < n; i++) {
                        for (int v = 0; v < c.vocabSize(); v++) {
                            worst = Math.max(worst, Math.abs(got[i * c.vocabSize() + v] - full[pos + i][v]));
                        }
                    }
                }
                pos += n;
                assertEquals(pos, cache.length());
            }
            assertTrue(worst < 1e-4, "max |cached - full| = " + worst);
        }
    }

    @Test
    void leftPaddedRowsMatchTheirUnpaddedForward() {
        LlamaConfig c = LlamaForCausalLMTest.tiny().optNumKeyValueHeads(2).build();
        int[] shortSeq = {7, 3, 12};
        int[] longSeq = {1, 2, 3, 4, 5, 6};
        try (NDManager root = Djl.engine().newBaseManager();
                LlamaForCausalLM model = LlamaForCausalLM.fromWeights(c,
                        WeightSource.of(LlamaForCausalLMTest.weights(c, 12), "t"),
                        ModelResources.create(root, DevicePolicy.cpu()));
                NDManager step = model.resources().newStepManager()) {
            float[][] alone = LlamaForCausalLMTest.logits(model, shortSeq);
            long[] ids = {0, 0, 0, 7, 3, 12, 1, 2, 3, 4, 5, 6};
            int[][] seg = {{-1, -1, -1, 0, 0, 0}, {0, 0, 0, 0, 0, 0}};
            long[][] posIds = {{0, 0, 0, 0, 1, 2}, {0, 1, 2, 3, 4, 5}};
            float[] got = model.forward(ForwardInput.builder().setInputIds(step.create(ids, new Shape(2, 6)))
                    .optSegments(seg).optPositions(posIds).build()).toFloatArray();
            int v = c.vocabSize();
            for (int i = 0; i < 3; i++) {
                float[] row = Arrays.copyOfRange(got, (3 + i) * v, (4 + i) * v);
                for (int k = 0; k < v; k++) {
                    assertEquals(alone[i][k], row[k], 1e-4);
                }
                for (float x : row) {
                    assertTrue(Float.isFinite(x));
                }
            }
            float[][] aloneLong = LlamaForCausalLMTest.logits(model, longSeq);
            for (int i = 0; i < 6; i++) {
                for (int k = 0; k < v; k++) {
                    assertEquals(aloneLong[i][k], got[(6 + i) * v + k], 1e-4);
                }
            }
        }
    }

    @Test
    void blockDiagonalSegmentsIsolatePackedSamples() {
        LlamaConfig c = LlamaForCausalLMTest.tiny().build();
        try (NDManager root = Djl.engine().newBaseManager();
                LlamaForCausalLM model = LlamaForCausalLM.fromWeights(c,
                        WeightSource.of(LlamaForCausalLMTest.weights(c, 13), "t"),
                        ModelResources.create(root, DevicePolicy.cpu()));
                NDManager step = model.resources().newStepManager()) {
            float[][] a = LlamaForCausalLMTest.logits(model, new int[] {4, 8, 15});
            float[][] b = LlamaForCausalLMTest.logits(model, new int[] {16, 23, 42, 9});
            long[] ids = {4, 8, 15, 16, 23, 42, 9};
            float[] got = model.forward(ForwardInput.builder().setInputIds(step.create(ids, new Shape(1, 7)))
                    .optSegments(new int[][] {{0, 0, 0, 1, 1, 1, 1}})
                    .optPositions(new long[][] {{0, 1, 2, 0, 1, 2, 3}}).build()).toFloatArray();
            int v = c.vocabSize();
            for (int k = 0; k < v; k++) {
                assertEquals(a[2][k], got[2 * v + k], 1e-4);
                assertEquals(b[3][k], got[6 * v + k], 1e-4);
            }
        }
    }
}
