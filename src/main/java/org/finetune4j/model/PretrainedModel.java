package org.finetune4j.model;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.finetune4j.config.GenerationConfig;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.hub.ModelLocator;
import org.finetune4j.io.safetensors.ShardedCheckpoint;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;

/**
 * Loading and saving whole HF model directories ({@code config.json}, safetensors weights,
 * {@code generation_config.json}); tokenizer files are handled by {@code org.finetune4j.tokenizer}.
 */
public final class PretrainedModel {
    /** transformers' default shard limit is 5 GB; small models stay a single {@code model.safetensors}. */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

    private PretrainedModel() {}

    /** Loads {@code dir} onto the device of {@code policy}; the model owns a manager under {@code parent}. */
    public static LlamaForCausalLM load(Path dir, NDManager parent, DevicePolicy policy) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("model directory not found: " + dir);
        }
        LlamaConfig config = LlamaConfig.read(dir);
        try (CheckpointWeights weights = CheckpointWeights.open(dir)) {
            return LlamaForCausalLM.fromWeights(config, weights, ModelResources.create(parent, policy));
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot read weights: " + e.getMessage(), e);
        }
    }

    /**
     * Loads a model named by a local directory, a repo id already in the HF cache, or a repo id to
     * download into the standard HF cache ({@code HF_HOME}, {@code HF_TOKEN}, {@code HF_ENDPOINT} and
     * {@code HF_HUB_OFFLINE} are honoured), on the best device DJL finds.
     */
    public static LlamaForCausalLM load(String pathOrRepoId) throws IOException {
        return load(ModelLocator.resolve(pathOrRepoId));
    }

    /** Loads {@code dir} on the best device DJL finds (CUDA when present), under a fresh base manager. */
    public static LlamaForCausalLM load(Path dir) {
        return load(dir, Djl.engine().newBaseManager(), DevicePolicy.fromEnvironment());
    }

    /**
     * Writes config.json, generation_config.json and the weights (sharded above {@code maxShardBytes}),
     * each file atomically.
     */
    public static void save(LlamaConfig config, Map<String, HostTensor> weights, GenerationConfig generation,
            Path dir, long maxShardBytes) throws IOException {
        Files.createDirectories(dir);
        ShardedCheckpoint.write(dir, "model", weights, maxShardBytes);
        config.write(dir);
        (generation == null ? GenerationConfig.DEFAULTS : generation).write(dir);
    }

    /** Saves a loaded model's weights and config (tied heads are written once, as HF does). */
    public static void save(LlamaForCausalLM model, GenerationConfig generation, Path dir) throws IOException {
        save(model.config(), model.stateDict(), generation, dir, DEFAULT_MAX_SHARD_BYTES);
    }
}
