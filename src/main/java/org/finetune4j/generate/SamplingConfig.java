package org.finetune4j.generate;

import java.util.List;
import java.util.Set;
import org.finetune4j.config.GenerationConfig;

/**
 * How tokens are chosen and when generation stops.
 *
 * @param maxNewTokens      upper bound on generated tokens per sequence
 * @param temperature       0 means greedy (argmax); otherwise logits are divided by it before sampling
 * @param topK              keep only the k most likely tokens (0 = off)
 * @param topP              nucleus: smallest set whose probability reaches p (1 = off)
 * @param repetitionPenalty HF/CTRL penalty on tokens already in the sequence (1 = off)
 * @param seed              seed of the sampler's random generator (sampling is reproducible)
 * @param stopTokenIds      stop when one of these is produced (EOS, end-of-turn); the token is not returned
 * @param stopStrings       stop when the decoded text contains one; the text is cut before it
 */
public record SamplingConfig(int maxNewTokens, double temperature, int topK, double topP, double repetitionPenalty,
        long seed, Set<Long> stopTokenIds, List<String> stopStrings) {

    public SamplingConfig {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
        }
        if (temperature < 0) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (!(repetitionPenalty > 0)) {
            throw new IllegalArgumentException("repetitionPenalty must be > 0, got " + repetitionPenalty);
        }
        stopTokenIds = Set.copyOf(stopTokenIds);
        stopStrings = List.copyOf(stopStrings);
    }

    public boolean greedy() {
        return temperature == 0;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Greedy decoding of at most {@code maxNewTokens}. */
    public static SamplingConfig greedy(int maxNewTokens) {
        return builder().optMaxNewTokens(maxNewTokens).build();
    }

    public Builder toBuilder() {
        return new Builder().optMaxNewTokens(maxNewTokens).optTemperature(temperature).optTopK(topK).optTopP(topP)
                .optRepetitionPenalty(repetitionPenalty).optSeed(seed).optStopTokenIds(stopTokenIds)
                .optStopStrings(stopStrings);
    }

    public static final class Builder {
        private int maxNewTokens = 128;
        private double temperature = 0;
        private int topK = 0;
        private double topP = 1;
        private double repetitionPenalty = 1;
        private long seed = 42;
        private Set<Long> stopTokenIds = Set.of();
        private List<String> stopStrings = List.of();

        public Builder optMaxNewTokens(int v) { maxNewTokens = v; return this; }
        public Builder optTemperature(double v) { temperature = v; return this; }
        public Builder optTopK(int v) { topK = v; return this; }
        public Builder optTopP(double v) { topP = v; return this; }
        public Builder optRepetitionPenalty(double v) { repetitionPenalty = v; return this; }
        public Builder optSeed(long v) { seed = v; return this; }
        public Builder optStopTokenIds(Set<Long> v) { stopTokenIds = v; return this; }
        public Builder optStopStrings(List<String> v) { stopStrings = v; return this; }

        /** Takes a checkpoint's defaults (do_sample, temperature, top-k/p, penalty, eos ids). */
        public Builder optDefaults(GenerationConfig g) {
            temperature = g.doSample() ? g.temperature() : 0;
            topK = g.doSample() ? g.topK() : 0;
            topP = g.doSample() ? g.topP() : 1;
            repetitionPenalty = g.repetitionPenalty();
            if (g.maxNewTokens() != null) {
                maxNewTokens = g.maxNewTokens();
            }
            java.util.Set<Long> ids = new java.util.HashSet<>(stopTokenIds);
            g.eosTokenIds().forEach(i -> ids.add((long) i));
            stopTokenIds = ids;
            return this;
        }

        public SamplingConfig build() {
            return new SamplingConfig(maxNewTokens, temperature, topK, topP, repetitionPenalty, seed, stopTokenIds,
                    stopStrings);
        }
    }
}
