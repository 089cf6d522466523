package org.finetune4j.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.finetune4j.config.GenerationConfig;
import org.finetune4j.generate.ChatModel;
import org.finetune4j.generate.constraint.SavedDecoding;
import org.finetune4j.io.hub.ModelLocator;
import org.finetune4j.model.CausalLM;
import org.finetune4j.model.PretrainedModel;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.rag.SavedPrompting;
import org.finetune4j.recipe.Adapters;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.finetune4j.tokenizer.HfTokenizer;

/**
 * A base model with its adapter applied (when one is given), its tokenizer and generation defaults, owning the
 * native memory of all of them until closed.
 *
 * @param dir        the resolved model directory
 * @param adapter    the adapter directory, or null
 * @param model      the base model, or the {@link PeftModel} when an adapter was given
 * @param tokenizer  the model's tokenizer
 * @param generation the model's {@code generation_config.json}
 */
record LoadedModel(Path dir, Path adapter, CausalLM model, HfTokenizer tokenizer, GenerationConfig generation,
        NDManager root) implements AutoCloseable {

    static LoadedModel open(ModelOptions options) throws IOException {
        Path dir = ModelLocator.resolve(options.model, options.revision, ModelLocator.Options.defaults());
        NDManager root = Djl.engine().newBaseManager();
        try {
            LlamaForCausalLM base = PretrainedModel.load(dir, root, DevicePolicy.fromEnvironment());
            CausalLM model = options.adapter == null ? base : Adapters.load(base, options.adapter);
            return new LoadedModel(dir, options.adapter, model, HfTokenizer.load(dir), GenerationConfig.read(dir),
                    root);
        } catch (IOException | RuntimeException e) {
            root.close();
            throw e;
        }
    }

    /**
     * The model as a chat model, prompted with the prompt tools and retrieved examples it was trained with and
     * answering under the decoding constraint it was evaluated with, when the adapter directory (or, without an
     * adapter, the model directory) holds them ({@link SavedPrompting}, {@link SavedDecoding}).
     */
    ChatModel chat() throws IOException {
        return new ChatModel(model, tokenizer, generation).optPromptAugmentation(SavedPrompting.load(promptingDir()))
                .optDecodingConstraint(SavedDecoding.load(promptingDir()).orElse(null));
    }

    /** Where the saved prompting is looked for: the adapter directory, or the model's without one. */
    Path promptingDir() {
        return adapter != null ? adapter : dir;
    }

    /** What {@link #chat()} adds to every prompt ("prompt tools [date_hint], retrieval"), if anything. */
    Optional<String> prompting() throws IOException {
        return SavedPrompting.describe(promptingDir());
    }

    @Override
    public void close() {
        tokenizer.close();
        root.close();
    }
}
