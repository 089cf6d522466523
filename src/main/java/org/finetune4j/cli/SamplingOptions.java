package org.finetune4j.cli;

import org.finetune4j.generate.SamplingConfig;
import picocli.CommandLine.Option;

/** Sampling options of generate and chat; each one not given keeps the checkpoint's default. */
final class SamplingOptions {
    @Option(names = "--max-new-tokens", paramLabel = "N", description = "longest reply in tokens")
    Integer maxNewTokens;

    @Option(names = "--temperature", paramLabel = "T", description = "0 = greedy")
    Double temperature;

    @Option(names = "--top-k", paramLabel = "K", description = "keep the K most likely tokens (0 = off)")
    Integer topK;

    @Option(names = "--top-p", paramLabel = "P", description = "nucleus sampling mass (1 = off)")
    Double topP;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the sampler")
    Long seed;

    SamplingConfig apply(SamplingConfig defaults) {
        SamplingConfig.Builder b = defaults.toBuilder();
        if (maxNewTokens != null) {
            b.optMaxNewTokens(maxNewTokens);
        }
        if (temperature != null) {
            b.optTemperature(temperature);
        }
        if (topK != null) {
            b.optTopK(topK);
        }
        if (topP != null) {
            b.optTopP(topP);
        }
        if (seed != null) {
            b.optSeed(seed);
        }
        return b.build();
    }
}
