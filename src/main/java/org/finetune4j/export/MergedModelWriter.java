package org.finetune4j.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.finetune4j.config.GenerationConfig;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.io.HostTensor;
import org.finetune4j.model.PretrainedModel;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.lora.LoraMerger;

/**
 * Saves a fine-tuned model as a complete, standalone Hugging Face checkpoint: LoRA/DoRA/QLoRA updates
 * folded into the base weights ({@link LoraMerger}; QLoRA weights dequantised first), or the trained
 * weights of full fine-tuning as they are.
 *
 * <pre>
 * config.json                      torch_dtype "float32" (the weights are written as float32)
 * model.safetensors                or model-0000i-of-0000N.safetensors + model.safetensors.index.json
 * generation_config.json
 * tokenizer.json, tokenizer_config.json, special_tokens_map.json, chat_template.jinja, …
 *                                  copied from the tokenizer source directory when present there
 * </pre>
 *
 * <p>The directory is replaced as a whole: everything is written into a sibling {@code NAME.tmp-XXXX}, and
 * only a complete save is renamed to {@code NAME}; an earlier save there is renamed aside and deleted after
 * the new one is in place (see {@link AtomicDirectory}).
 */
public final class MergedModelWriter {
    /** Tokenizer files of an HF model directory, copied when the source has them. */
    public static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "chat_template.jinja", "added_tokens.json", "vocab.json", "merges.txt",
            "tokenizer.model");

    private MergedModelWriter() {}

    /** {@link #save(PeftModel, Path, Path, GenerationConfig, long)} with transformers' 5 GB shard limit. */
    public static void save(PeftModel model, Path dir, Path tokenizerSourceDir, GenerationConfig generation)
            throws IOException {
        save(model, dir, tokenizerSourceDir, generation, PretrainedModel.DEFAULT_MAX_SHARD_BYTES);
    }

    /**
     * Writes the merged model into {@code dir}, loadable by {@code PretrainedModel.load} and by
     * transformers' {@code AutoModelForCausalLM.from_pretrained}.
     *
     * @param tokenizerSourceDir directory whose tokenizer files are copied along, or null for none
     * @param generation         generation_config.json content, or null for HF's defaults
     * @param maxShardBytes      largest tensor data per safetensors shard
     * @throws IllegalArgumentException for techniques whose result is not a plain model (prompt, prefix, adapters)
     */
    public static void save(PeftModel model, Path dir, Path tokenizerSourceDir, GenerationConfig generation,
            long maxShardBytes) throws IOException {
        if (tokenizerSourceDir != null && !Files.isDirectory(tokenizerSourceDir)) {
            throw new IllegalArgumentException("tokenizer source directory not found: " + tokenizerSourceDir);
        }
        Map<String, HostTensor> weights = mergedWeights(model);
        LlamaConfig config = asFloat32(model.config());
        AtomicDirectory.write(dir, tmp -> {
            PretrainedModel.save(config, weights, generation, tmp, maxShardBytes);
            if (tokenizerSourceDir != null) {
                for (String name : TOKENIZER_FILES) {
                    Path src = tokenizerSourceDir.resolve(name);
                    if (Files.exists(src, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.copy(src, tmp.resolve(name));
                    }
                }
            }
        });
    }

    /** The weights of the merged model under HF names, float32 (a tied LM head is not repeated). */
    public static Map<String, HostTensor> mergedWeights(PeftModel model) {
        return switch (model.type()) {
            case LORA, QLORA -> LoraMerger.mergedStateDict(model.base(),
                    LoraParts.of(model, "merging").technique());
            case FULL -> model.base().stateDict();
            default -> throw new IllegalArgumentException(model.type() + " cannot be merged into a plain checkpoint:"
                    + " its extra tensors change the forward pass itself; save the technique's own format instead");
        };
    }

    /** The same architecture, declared float32 because the merged weights are written in float32. */
    static LlamaConfig asFloat32(LlamaConfig c) {
        return new LlamaConfig(c.modelType(), c.vocabSize(), c.hiddenSize(), c.intermediateSize(),
                c.numHiddenLayers(), c.numAttentionHeads(), c.numKeyValueHeads(), c.explicitHeadDim(),
                c.maxPositionEmbeddings(), c.rmsNormEps(), c.ropeTheta(), c.ropeScaling(), c.attentionBias(),
                c.mlpBias(), c.tieWordEmbeddings(), c.bosTokenId(), c.eosTokenIds(), c.padTokenId(), "float32",
                c.slidingWindow());
    }
}
