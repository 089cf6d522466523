package org.finetune4j.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.finetune4j.config.GenerationConfig;
import org.finetune4j.generate.ChatModel;
import org.finetune4j.io.hub.ModelLocator;
import org.finetune4j.model.CausalLM;
import org.finetune4j.model.PretrainedModel;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.rag.RetrievalAugmentation;
import org.finetune4j.rag.RetrievalConfig;
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
     * The model as a chat model, prompted with retrieved examples when the adapter directory (or, without an
     * adapter, the model directory) holds the {@link RetrievalConfig} it was trained with.
     */
    ChatModel chat() throws IOException {
        ChatModel chat = new ChatModel(model, tokenizer, generation);
        Optional<RetrievalAugmentation> r = RetrievalConfig.load(retrievalDir());
        r.ifPresent(a -> chat.optPromptAugmentation(a::forPrompt));
        return chat;
    }

    /** Where a saved {@link RetrievalConfig} is looked for: the adapter directory, or the model's without one. */
    Path retrievalDir() {
        return adapter != null ? adapter : dir;
    }

    /** Whether {@link #chat()} prompts with retrieved examples. */
    boolean hasRetrieval() throws IOException {
        return RetrievalConfig.find(retrievalDir()).isPresent();
    }

    @Override
    public void close() {
        tokenizer.close();
        root.close();
    }
}
