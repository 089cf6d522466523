package org.finetune4j.peft.prefix;

import static org.finetune4j.peft.PeftTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.finetune4j.generate.GeneratedSequence;
import org.finetune4j.generate.Generator;
import org.finetune4j.generate.SamplingConfig;
import org.finetune4j.generate.TokenListener;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.PrefixTuningConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PrefixTuningTechniqueTest {
    static final int N = 3;
    static final int WIDTH = 2 * 2 * 2 * 8; // L·2·H_kv·d

    static PrefixTuningConfig config(boolean projection) {
        return new PrefixTuningConfig(N, projection, projection ? 12 : 0);
    }

    @ParameterizedTest(name = "projection={0}")
    @ValueSource(booleans = {false, true})
    void prefixChangesTheLogitsAndKeepsTheShape(boolean projection) {
        try (NDManager root = root()) {
            double[] base = logits(base(root, F32), batch());
            PeftModel model = PeftModel.create(base(root, F32), config(projection), 1);
            double[] tuned = logits(model, batch());
            assertTrue(Arrays.stream(tuned).allMatch(Double::isFinite));
            assertTrue(maxAbsDiff(realPositions(base, batch(), 61), realPositions(tuned, batch(), 61)) > 1e-3);
            long expected = projection ? N * 16 + (12 * 16 + 12) + (WIDTH * 12 + WIDTH) : (long) N * WIDTH;
            assertEquals(expected, model.report().trainableParameters());
            assertEquals(projection ? List.of("prefix_encoder.embedding.weight", "prefix_encoder.transform.0.weight",
                    "prefix_encoder.transform.0.bias", "prefix_encoder.transform.2.weight", "prefix_encoder.transform.2.bias")
                    : List.of("prefix_encoder.embedding.weight"), List.copyOf(model.trainableParameters().keySet()));
        }
    }

    @ParameterizedTest(name = "projection={0}")
    @ValueSource(booleans = {false, true})
    void gradientMatchesFiniteDifferences(boolean projection) {
        try (NDManager root = root()) {
            PeftModel model = PeftModel.create(base(root, F64), config(projection), 2);
            if (projection) {
                checkGradient(model, batch(), "prefix_encoder.embedding.weight", 0, 17, 47);
                checkGradient(model, batch(), "prefix_encoder.transform.0.weight", 3, 100);
                checkGradient(model, batch(), "prefix_encoder.transform.2.bias", 0, 20, 40, 63);
            } else {
                // layer 0 keys, layer 0 values, layer 1 keys, layer 1 values, for several virtual tokens
                checkGradient(model, batch(), "prefix_encoder.embedding.weight", 1, 20, WIDTH + 37, WIDTH + 50,
                        2 * WIDTH + 63);
            }
        }
    }

    @ParameterizedTest(name = "projection={0}")
    @ValueSource(booleans = {false, true})
    void overfitsAFixedBatchAndOnlyThePrefixChanges(boolean projection) {
        try (NDManager root = root()) {
            PeftModel model = PeftModel.create(base(root, F32), config(projection), 3);
            Map<String, byte[]> before = snapshot(model);
            double[] losses = train(model, batch(), 40, projection ? 0.02 : 0.1);
            assertTrue(losses[losses.length - 1] < losses[0] / 2, "loss " + losses[0] + " -> " + losses[losses.length - 1]);
            Map<String, byte[]> after = snapshot(model);
            before.forEach((name, bytes) -> assertEquals(!name.startsWith("prefix_encoder."),
                    Arrays.equals(bytes, after.get(name)), name));
        }
    }

    @Test
    void paddingNeitherSeesNorIsSeen() {
        try (NDManager root = root()) {
            PeftModel model = PeftModel.create(base(root, F64), config(false), 4);
            double[] batched = logits(model, batch());
            double[] alone = logits(model, new long[] {12, 1, 60, 7, 2});
            assertArrayEquals(alone, Arrays.copyOfRange(batched, 7 * 61, 12 * 61), 1e-10);
        }
    }

    @Test
    void greedyGenerationWithCacheEqualsRecomputation() {
        try (NDManager root = root()) {
            PeftModel model = PeftModel.create(base(root, F32), config(true), 5);
            long[] prompt = {3, 1, 4, 1, 5};
            GeneratedSequence g = new Generator(model, null).generate(prompt, SamplingConfig.greedy(10), TokenListener.NONE);
            assertArrayEquals(greedyByRecompute(model, prompt, 10), g.tokens());
        }
    }

    @Test
    void batchedLeftPaddedGenerationEqualsOneByOne() {
        try (NDManager root = root()) {
            PeftModel model = PeftModel.create(base(root, F32), config(false), 6);
            List<long[]> prompts = List.of(new long[] {2, 7}, new long[] {9, 9, 9, 30, 31, 1}, new long[] {11});
            List<GeneratedSequence> batch = new Generator(model, null).generate(prompts, SamplingConfig.greedy(8),
                    TokenListener.NONE);
            for (int i = 0; i < prompts.size(); i++) {
                assertArrayEquals(greedyByRecompute(model, prompts.get(i), 8), batch.get(i).tokens(), "row " + i);
            }
        }
    }
}
