package org.finetune4j.generate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.finetune4j.chat.ChatCompleter;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.config.GenerationConfig;
import org.finetune4j.generate.constraint.DecodingConstraint;
import org.finetune4j.generate.constraint.FieldPins;
import org.finetune4j.generate.constraint.SavedDecoding;
import org.finetune4j.generate.constraint.TokenConstraint;
import org.finetune4j.generate.constraint.TokenTexts;
import org.finetune4j.model.CausalLM;
import org.finetune4j.model.PretrainedModel;
import org.finetune4j.rag.PromptTools;
import org.finetune4j.rag.RetrievalConfig;
import org.finetune4j.rag.SavedPrompting;
import org.finetune4j.tokenizer.HfTokenizer;
import org.finetune4j.tokenizer.StreamingDecoder;

/**
 * Step 8 of the guide: talk to a model. Renders the conversation with the model's chat template,
 * generates with the KV cache, stops at EOS or the end-of-turn token, and returns the assistant text.
 * Many conversations are answered in left-padded batches (fast evaluation on a CPU).
 */
public final class ChatModel implements ChatCompleter, AutoCloseable {
    /** End-of-turn tokens of common chat templates; the ones this vocabulary has are stop tokens. */
    public static final List<String> END_OF_TURN_TOKENS =
            List.of("<|im_end|>", "<|eot_id|>", "<|end_of_text|>", "<end_of_turn>", "<|endoftext|>", "</s>");

    private final CausalLM model;
    private final HfTokenizer tokenizer;
    private final SamplingConfig defaults;
    private int batchSize = 16;
    private UnaryOperator<List<ChatMessage>> promptAugmentation = UnaryOperator.identity();
    private DecodingConstraint decodingConstraint;
    private TokenTexts tokenTexts;

    public ChatModel(CausalLM model, HfTokenizer tokenizer, GenerationConfig generation) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.defaults = SamplingConfig.builder().optMaxNewTokens(256).optDefaults(generation)
                .optStopTokenIds(stopTokens(model, tokenizer, generation)).build();
    }

    /** Loads a local directory or an HF repo id (downloaded into the HF cache when needed). */
    public static ChatModel load(String pathOrRepoId) throws IOException {
        return load(org.finetune4j.io.hub.ModelLocator.resolve(pathOrRepoId));
    }

    /**
     * Loads the model (on CUDA when DJL finds it), tokenizer and generation defaults of an HF directory, the
     * prompt tools and retrieval the model was fine-tuned with when the directory has a
     * {@value PromptTools#FILE_NAME} or a {@value RetrievalConfig#FILE_NAME} ({@link SavedPrompting}), and the
     * decoding constraint of its {@value SavedDecoding#FILE_NAME}, if any.
     */
    public static ChatModel load(Path dir) throws IOException {
        ChatModel chat = new ChatModel(PretrainedModel.load(dir), HfTokenizer.load(dir), GenerationConfig.read(dir));
        chat.optPromptAugmentation(SavedPrompting.load(dir));
        chat.optDecodingConstraint(SavedDecoding.load(dir).orElse(null));
        return chat;
    }

    static Set<Long> stopTokens(CausalLM model, HfTokenizer tok, GenerationConfig gen) {
        Set<Long> ids = new LinkedHashSet<>();
        model.config().eosTokenIds().forEach(i -> ids.add((long) i));
        gen.eosTokenIds().forEach(i -> ids.add((long) i));
        tok.eosTokenId().ifPresent(ids::add);
        for (String t : END_OF_TURN_TOKENS) {
            tok.tokenId(t).ifPresent(ids::add);
        }
        return ids;
    }

    /** The sampling settings used when none are given: the checkpoint's, greedy by default. */
    public SamplingConfig defaultSampling() {
        return defaults;
    }

    /** Conversations per generation batch in {@link #completeAll}. */
    public ChatModel optBatchSize(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive");
        }
        this.batchSize = batchSize;
        return this;
    }

    /**
     * Rewrites every conversation before it is rendered, e.g. {@code RetrievalAugmentation::forPrompt} for a model
     * fine-tuned with retrieved examples in its prompts (default: none). When the rewrite also implements
     * {@link FieldPins} (as {@code SavedPrompting.compose} does for a retrieval that pins unanimous votes), the
     * {@linkplain #optDecodingConstraint decoding constraint} decodes those fields with their pinned values.
     */
    public ChatModel optPromptAugmentation(UnaryOperator<List<ChatMessage>> augmentation) {
        this.promptAugmentation = Objects.requireNonNull(augmentation, "augmentation");
        return this;
    }

    /**
     * Constrains every answer while it is generated, e.g. to a JSON Schema ({@code JsonSchemaConstraint}); null (the
     * default) generates freely.
     */
    public ChatModel optDecodingConstraint(DecodingConstraint constraint) {
        this.decodingConstraint = constraint;
        return this;
    }

    /** The decoding constraint, or null when answers are generated freely. */
    public DecodingConstraint decodingConstraint() {
        return decodingConstraint;
    }

    /** The conversation as the model is prompted with it (after {@link #optPromptAugmentation}). */
    public List<ChatMessage> augment(List<ChatMessage> conversation) {
        return promptAugmentation.apply(conversation);
    }

    @Override
    public String complete(List<ChatMessage> conversation) {
        return chat(conversation, defaults);
    }

    /** The assistant's reply with the default sampling. */
    public String chat(List<ChatMessage> conversation) {
        return chat(conversation, defaults);
    }

    public String chat(List<ChatMessage> conversation, SamplingConfig sampling) {
        return generator().generate(List.of(prompt(conversation)), constraints(List.of(conversation)),
                withStops(sampling), TokenListener.NONE).get(0).text();
    }

    /** Streams the reply: {@code onText} receives each newly decoded piece as soon as it is complete. */
    public String chatStream(List<ChatMessage> conversation, SamplingConfig sampling, Consumer<String> onText) {
        SamplingConfig s = withStops(sampling);
        StreamingDecoder decoder = tokenizer.streamingDecoder(true);
        GeneratedSequence g = generator().generate(List.of(prompt(conversation)), constraints(List.of(conversation)),
                s, (row, token) -> {
            if (!s.stopTokenIds().contains(token)) {
                String piece = decoder.push(token);
                if (!piece.isEmpty()) {
                    onText.accept(piece);
                }
            }
        }).get(0);
        String rest = decoder.flush();
        if (!rest.isEmpty()) {
            onText.accept(rest);
        }
        return g.text();
    }

    @Override
    public List<String> completeAll(List<List<ChatMessage>> conversations) {
        return chatAll(conversations, defaults);
    }

    /** Replies to many conversations, {@code batchSize} at a time. */
    public List<String> chatAll(List<List<ChatMessage>> conversations, SamplingConfig sampling) {
        SamplingConfig s = withStops(sampling);
        List<String> out = new ArrayList<>(conversations.size());
        Generator gen = generator();
        for (int i = 0; i < conversations.size(); i += batchSize) {
            List<List<ChatMessage>> batch = conversations.subList(i, Math.min(conversations.size(), i + batchSize));
            List<long[]> prompts = new ArrayList<>();
            for (List<ChatMessage> c : batch) {
                prompts.add(prompt(c));
            }
            gen.generate(prompts, constraints(batch), s, TokenListener.NONE).forEach(g -> out.add(g.text()));
        }
        return out;
    }

    private SamplingConfig withStops(SamplingConfig s) {
        Set<Long> ids = new LinkedHashSet<>(defaults.stopTokenIds());
        ids.addAll(s.stopTokenIds());
        return s.toBuilder().optStopTokenIds(ids).build();
    }

    /** One constraint per conversation, from the conversation as the caller wrote it; null when unconstrained. */
    private List<TokenConstraint> constraints(List<List<ChatMessage>> conversations) {
        if (decodingConstraint == null) {
            return null;
        }
        if (tokenTexts == null) {
            tokenTexts = TokenTexts.of(tokenizer, model.config().vocabSize());
        }
        FieldPins pins = promptAugmentation instanceof FieldPins p ? p : null;
        List<TokenConstraint> out = new ArrayList<>(conversations.size());
        for (List<ChatMessage> c : conversations) {
            DecodingConstraint constraint = pins == null ? decodingConstraint : decodingConstraint.pinned(pins.pins(c));
            out.add(constraint.start(c, tokenTexts));
        }
        return out;
    }

    private long[] prompt(List<ChatMessage> conversation) {
        return tokenizer.applyChatTemplate(augment(conversation), true);
    }

    private Generator generator() {
        return new Generator(model, ids -> tokenizer.decode(ids, true));
    }

    public CausalLM model() {
        return model;
    }

    public HfTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public void close() {
        tokenizer.close();
        if (model instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the model failed", e);
            }
        }
    }
}
