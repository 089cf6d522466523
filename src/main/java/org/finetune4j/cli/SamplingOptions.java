package org.finetune4j.cli;

import java.io.IOException;
import org.finetune4j.generate.ChatModel;
import org.finetune4j.generate.SamplingConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Sampling and decoding options of generate and chat; each one not given keeps the checkpoint's default (and the
 * decoding constraint saved beside the model).
 */
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

    @Option(names = "--decoding", paramLabel = "MODE", defaultValue = "saved", converter = DecodingChoice.Converter.class,
            description = "saved (the constraint saved beside the model as decoding.json, if any) or free (the model"
                    + " alone); default: ${DEFAULT-VALUE}")
    DecodingChoice decoding;

    /**
     * {@code chat} with its saved constraint dropped for {@code --decoding free}.
     *
     * @throws ParameterException for {@code --decoding schema}, which only {@code eval} has (it needs a schema)
     */
    ChatModel applyDecoding(ChatModel chat, CommandSpec spec) throws IOException {
        return decoding.applyTo(chat, () -> {
            throw new ParameterException(spec.commandLine(),
                    "--decoding schema is eval's (it needs --schema); here: saved or free");
        });
    }

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
