package org.finetune4j.peft.prompt;

import static org.finetune4j.peft.PeftTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.finetune4j.data.TokenBatch;
import org.finetune4j.generate.GeneratedSequence;
import org.finetune4j.generate.Generator;
import org.finetune4j.generate.SamplingConfig;
import org.finetune4j.generate.TokenListener;
import org.finetune4j.model.llama.ForwardInput;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.PromptInit;
import org.finetune4j.peft.PromptTuningConfig;
import org.junit.jupiter.api.Test;

class PromptTuningTechniqueTest {
    static final PromptTuningConfig CONFIG = new PromptTuningConfig(4, PromptInit.RANDOM, null);

    @Test
    void realPositionsGetContextFromTheVirtualTokens() {
        try (NDManager root = root()) {
            double[] base = logits(base(root, F32), batch());
            PeftModel model = PeftModel.create(base(root, F32), CONFIG, 1);
            double[] tuned = logits(model, batch()); // shape (B, T, V) checked inside
            assertTrue(Arrays.stream(tuned).allMatch(Double::isFinite));
            assertTrue(maxAbsDiff(base, tuned) > 1e-3, "virtual tokens should change the logits");
            assertEquals(4 * 32, model.report().trainableParameters());
            assertEquals(model.base().parameterCount() + 4 * 32, model.report().totalParameters());
        }
    }

    /** Independent reference: the base model run on [prompt_embeddings; embed(ids)] with positions 0…N+T-1. */
    @Test
    void equalsBaseModelOnConcatenatedEmbeddings() {
        try (NDManager root = root()) {
            PeftModel model = PeftModel.create(base(root, F64), CONFIG, 2);
            long[] ids = {5, 17, 3, 44, 9};
            double[] tuned = logits(model, ids);
            double[] expected;
            try (NDManager step = model.resources().newStepManager()) {
                LlamaForCausalLM base = model.base();
                NDArray prompt = ((PromptTuningTechnique) model.technique()).promptEmbeddings().getArray()
                        .duplicate();
                prompt.attach(step);
                NDArray h = prompt.expandDims(0).concat(base.embed(ids(step, new long[][] {ids})), 1); // (1, 9, D)
                NDArray all = base.forward(ForwardInput.builder().setInputEmbeds(h).build()); // (1, 9, V)
                expected = all.get(":, 4:").toDoubleArray();
            }
            assertArrayEquals(expected, tuned, 1e-12);
        }
    }

    @Test
    void paddingNeitherSeesNorIsSeen() {
        try (NDManager root = root()) {
            PeftModel model = PeftModel.create(base(root, F64), CONFIG, 3);
            TokenBatch b = batch(); // row 1 is {12, 1, 60, 7, 2} plus two pads
            double[] batched = logits(model, b);
            double[] alone = logits(model, new long[] {12, 1, 60, 7, 2});
            int v = model.config().vocabSize();
            double[] row1 = Arrays.copyOfRange(batched, 7 * v, 7 * v + 5 * v);
            assertArrayEquals(alone, row1, 1e-10);
        }
    }

    @Test
    void packedSamplesEachSeeTheVirtualTokens() {
        try (NDManager root = root()) {
            PeftModel model = PeftModel.create(base(root, F64), CONFIG, 4);
            long[][] ids = {{5, 17, 3, 44, 9, 30}};
            TokenBatch packed = new TokenBatch(ids, ids, new int[][] {{0, 0, 0, 1, 1, 1}},
                    new long[][] {{0, 1, 2, 0, 1, 2}});
            double[] both = logits(model, packed);
            double[] second = logits(model, new long[] {44, 9, 30});
            int v = model.config().vocabSize();
            assertArrayEquals(second, Arrays.copyOfRange(both, 3 * v, 6 * v), 1e-10);
        }
    }

    /** Each sample of a packed, padded row gives the logits of its own unpacked forward with the same prompt. */
    @Test
    void packedRowsIsolateTheirSegments() {
        try (NDManager root = root()) {
            PeftModel model = PeftModel.create(base(root, F64), CONFIG, 9);
            long[][] ids = {{5, 17, 3, 44, 9, 30, 0}, {8, 8, 21, 2, 40, 11, 6}};
            TokenBatch packed = new TokenBatch(ids, ids, new int[][] {{0, 0, 0, 1, 1, 1, -1}, {0, 0, 1, 1, 1, 2, 2}},
                    new long[][] {{0, 1, 2, 0, 1, 2, 0}, {0, 1, 0, 1, 2, 0, 1}});
            double[] all = logits(model, packed);
            int v = model.config().vocabSize();
            int t = ids[0].length;
            int[][][] samples = {{{0, 0, 3}, {0, 3, 6}}, {{1, 0, 2}, {1, 2, 5}, {1, 5, 7}}}; // {row, from, to}
            for (int[][] row : samples) {
                for (int[] s : row) {
                    double[] alone = logits(model, Arrays.copyOfRange(ids[s[0]], s[1], s[2]));
                    double[] inRow = Arrays.copyOfRange(all, (s[0] * t + s[1]) * v, (s[0] * t + s[2]) * v);
                    assertArrayEquals(alone, inRow, 1e-10, "row " + s[0] + " tokens " + s[1] + ".." + s[2]);
                }
            }
        }
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        try (NDManager root = root()) {
            PeftModel model = PeftModel.create(base(root, F64), CONFIG, 5);
            checkGradient(model, batch(), PromptTuningTechnique.PARAMETER_NAME, 0, 7, 33, 70, 127);
        }
    }

    @Test
    void overfitsAFixedBatchAndOnlyThePromptChanges() {
        try (NDManager root = root()) {
            PeftModel model = PeftModel.create(base(root, F32), CONFIG, 6);
            Map<String, byte[]> before = snapshot(model);
            double[] losses = train(model, batch(), 40, 0.1);
            assertTrue(losses[losses.length - 1] < losses[0] / 2, "loss " + losses[0] + " -> " + losses[losses.length - 1]);
            Map<String, byte[]> after = snapshot(model);
            before.forEach((name, bytes) -> {
                boolean same = Arrays.equals(bytes, after.get(name));
                assertEquals(!name.equals(PromptTuningTechnique.PARAMETER_NAME), same, name);
            });
        }
    }

    @Test
    void greedyGenerationWithCacheEqualsRecomputation() {
        try (NDManager root = root()) {
            PeftModel model = PeftModel.create(base(root, F32), CONFIG, 7);
            assertEquals(4, model.extraCachePositions());
            long[] prompt = {3, 1, 4, 1, 5};
            GeneratedSequence g = new Generator(model, null).generate(prompt, SamplingConfig.greedy(10), TokenListener.NONE);
            assertArrayEquals(greedyByRecompute(model, prompt, 10), g.tokens());
        }
    }

    @Test
    void batchedLeftPaddedGenerationEqualsOneByOne() {
        try (NDManager root = root()) {
            PeftModel model = PeftModel.create(base(root, F32), CONFIG, 8);
            List<long[]> prompts = List.of(new long[] {2, 7}, new long[] {9, 9, 9, 30, 31, 1}, new long[] {11});
            Generator gen = new Generator(model, null);
            List<GeneratedSequence> batch = gen.generate(prompts, SamplingConfig.greedy(8), TokenListener.NONE);
            for (int i = 0; i < prompts.size(); i++) {
                assertArrayEquals(greedyByRecompute(model, prompts.get(i), 8), batch.get(i).tokens(), "row " + i);
            }
        }
    }

    @Test
    void sampleVocabAndTextInitCopyEmbeddingRows() {
        try (NDManager root = root()) {
            LlamaForCausalLM base = base(root, F32);
            double[] table = base.model().embedTokens().weight().toType(DataType.FLOAT64, false).toDoubleArray();
            PromptTuningTechnique text = PromptTuningTechnique.apply(base,
                    new PromptTuningConfig(5, PromptInit.TEXT, "pay bob"), new long[] {8, 40}, 0);
            double[] rows = values(text.promptEmbeddings());
            long[] expectedIds = {8, 40, 8, 40, 8}; // repeated, then cut to N
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(Arrays.copyOfRange(table, (int) expectedIds[i] * 32, (int) expectedIds[i] * 32 + 32),
                        Arrays.copyOfRange(rows, i * 32, i * 32 + 32), 0, "row " + i);
            }
            PromptTuningTechnique sampled = PromptTuningTechnique.apply(base,
                    new PromptTuningConfig(3, PromptInit.SAMPLE_VOCAB, null), null, 9);
            double[] s = values(sampled.promptEmbeddings());
            for (int i = 0; i < 3; i++) {
                double[] row = Arrays.copyOfRange(s, i * 32, i * 32 + 32);
                boolean found = false;
                for (int id = 0; id < 61 && !found; id++) {
                    found = Arrays.equals(row, Arrays.copyOfRange(table, id * 32, id * 32 + 32));
                }
                assertTrue(found, "sampled row " + i + " is an embedding row");
            }
            assertArrayEquals(s, values(PromptTuningTechnique.apply(base,
                    new PromptTuningConfig(3, PromptInit.SAMPLE_VOCAB, null), null, 9).promptEmbeddings()), 0);
            assertThrows(IllegalArgumentException.class, () -> PeftModel.create(base,
                    new PromptTuningConfig(2, PromptInit.TEXT, "needs ids"), 0));
        }
    }

    @Test
    void randomInitIsStandardNormalLikePeft() {
        try (NDManager root = root()) {
            PromptTuningTechnique t = PromptTuningTechnique.apply(base(root, F32),
                    new PromptTuningConfig(20, PromptInit.RANDOM, null), null, 3);
            double[] v = values(t.promptEmbeddings());
            double mean = Arrays.stream(v).average().orElseThrow();
            double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).average().orElseThrow();
            assertEquals(0, mean, 0.1);
            assertEquals(1, Math.sqrt(var), 0.1);
            assertFalse(Arrays.stream(v).allMatch(x -> x == v[0]));
            assertArrayEquals(new Shape(20, 32).getShape(), t.promptEmbeddings().getArray().getShape().getShape());
        }
    }
}
