package org.finetune4j.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.model.ModelResources;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.model.WeightSource;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GeneratorTest {
    static NDManager root;
    static LlamaForCausalLM model;

    @BeforeAll
    static void load() {
        LlamaConfig c = LlamaConfig.builder().setVocabSize(40).setHiddenSize(32).setIntermediateSize(48)
                .setNumHiddenLayers(2).setNumAttentionHeads(4).optNumKeyValueHeads(2).optMaxPositionEmbeddings(64)
                .build();
        root = Djl.engine().newBaseManager();
        model = LlamaForCausalLM.fromWeights(c, LlamaForCausalLM.randomWeights(c, 5, 0.5),
                ModelResources.create(root, DevicePolicy.cpu()));
    }

    @AfterAll
    static void close() {
        root.close();
    }

    /** Greedy decoding by full recomputation (no cache): the independent reference. */
    static long[] greedyByRecompute(long[] prompt, int n) {
        List<Long> seq = new ArrayList<>();
        for (long t : prompt) {
            seq.add(t);
        }
        long[] out = new long[n];
        for (int s = 0; s < n; s++) {
            int[] ids = seq.stream().mapToInt(Long::intValue).toArray();
            float[][] logits = org.finetune4j.model.llama.LlamaForCausalLMTestAccess.logits(model, ids);
            out[s] = Sampler.argmax(logits[ids.length - 1]);
            seq.add(out[s]);
        }
        return out;
    }

    @Test
    void greedyWithCacheEqualsGreedyByRecomputation() {
        long[] prompt = {3, 1, 4, 1, 5};
        GeneratedSequence g = new Generator(model, null).generate(prompt, SamplingConfig.greedy(12), TokenListener.NONE);
        assertEquals(FinishReason.LENGTH, g.reason());
        assertArrayEquals(greedyByRecompute(prompt, 12), g.tokens());
    }

    @Test
    void batchedLeftPaddedGenerationEqualsOneByOne() {
        List<long[]> prompts = List.of(new long[] {2, 7}, new long[] {9, 9, 9, 30, 31, 1}, new long[] {11});
        Generator gen = new Generator(model, null);
        List<GeneratedSequence> batch = gen.generate(prompts, SamplingConfig.greedy(8), TokenListener.NONE);
        for (int i = 0; i < prompts.size(); i++) {
            assertArrayEquals(gen.generate(prompts.get(i), SamplingConfig.greedy(8), TokenListener.NONE).tokens(),
                    batch.get(i).tokens(), "row " + i);
        }
    }

    @Test
    void stopTokenEndsTheRowAndIsNotReturned() {
        long[] prompt = {3, 1, 4};
        long[] free = new Generator(model, null).generate(prompt, SamplingConfig.greedy(10), TokenListener.NONE).tokens();
        long stop = free[3];
        int firstStop = 0;
        while (free[firstStop] != stop) {
            firstStop++;
        }
        List<Long> streamed = new ArrayList<>();
        GeneratedSequence g = new Generator(model, null).generate(prompt,
                SamplingConfig.greedy(10).toBuilder().optStopTokenIds(Set.of(stop)).build(),
                (row, t) -> streamed.add(t));
        assertEquals(FinishReason.STOP_TOKEN, g.reason());
        assertArrayEquals(Arrays.copyOf(free, firstStop), g.tokens());
        assertEquals(stop, streamed.get(streamed.size() - 1));
    }

    @Test
    void stopStringCutsTheText() {
        long[] prompt = {3, 1, 4};
        // detokenizer: each token id as a letter
        java.util.function.Function<long[], String> detok = ids -> Arrays.stream(ids)
                .mapToObj(i -> String.valueOf((char) ('a' + i % 26))).collect(Collectors.joining());
        long[] free = new Generator(model, detok).generate(prompt, SamplingConfig.greedy(10), TokenListener.NONE).tokens();
        String full = detok.apply(free);
        String stop = full.substring(4, 6);
        GeneratedSequence g = new Generator(model, detok).generate(prompt,
                SamplingConfig.greedy(10).toBuilder().optStopStrings(List.of(stop)).build(), TokenListener.NONE);
        assertEquals(FinishReason.STOP_STRING, g.reason());
        assertEquals(full.substring(0, full.indexOf(stop)), g.text());
    }

    @Test
    void samplingIsReproducibleBySeedAndVariesAcrossSeeds() {
        long[] prompt = {3, 1, 4};
        SamplingConfig s = SamplingConfig.builder().optMaxNewTokens(20).optTemperature(1.5).optTopK(30).optTopP(0.95)
                .optSeed(1).build();
        Generator gen = new Generator(model, null);
        long[] a = gen.generate(prompt, s, TokenListener.NONE).tokens();
        assertArrayEquals(a, gen.generate(prompt, s, TokenListener.NONE).tokens());
        boolean differs = false;
        for (long seed = 2; seed < 6 && !differs; seed++) {
            differs = !Arrays.equals(a, gen.generate(prompt, s.toBuilder().optSeed(seed).build(), TokenListener.NONE).tokens());
        }
        assertTrue(differs, "different seeds should give different samples");
    }

    @Test
    void topKOfOneIsGreedy() {
        long[] prompt = {8, 2};
        SamplingConfig s = SamplingConfig.builder().optMaxNewTokens(10).optTemperature(0.7).optTopK(1).build();
        Generator gen = new Generator(model, null);
        assertArrayEquals(gen.generate(prompt, SamplingConfig.greedy(10), TokenListener.NONE).tokens(),
                gen.generate(prompt, s, TokenListener.NONE).tokens());
    }

    @Test
    void repetitionPenaltyFollowsHfRule() {
        float[] logits = {2f, -2f, 1f, 0.5f};
        Sampler.applyRepetitionPenalty(logits, new long[] {0, 1, 1}, 3, 2f);
        assertArrayEquals(new float[] {1f, -4f, 1f, 0.5f}, logits);
        assertNotEquals(0, logits[3]);
    }

    @Test
    void topPKeepsTheSmallestNucleus() {
        // probabilities ~ (0.6, 0.3, 0.1) at temperature 1: top-p 0.5 keeps only the first token
        float[] logits = {(float) Math.log(0.6), (float) Math.log(0.3), (float) Math.log(0.1)};
        Sampler s = new Sampler(SamplingConfig.builder().optTemperature(1).optTopP(0.5).optSeed(3).build());
        for (int i = 0; i < 50; i++) {
            assertEquals(0, s.next(logits.clone(), new long[0], 0));
        }
        Sampler wide = new Sampler(SamplingConfig.builder().optTemperature(1).optTopP(0.85).optSeed(3).build());
        Set<Long> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            seen.add(wide.next(logits.clone(), new long[0], 0));
        }
        assertEquals(Set.of(0L, 1L), seen);
    }
}
