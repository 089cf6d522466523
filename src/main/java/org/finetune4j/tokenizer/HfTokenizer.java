package org.finetune4j.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.runtime.Djl;

/**
 * A Hugging Face tokenizer loaded from a model directory: {@code tokenizer.json} run by the Rust
 * {@code tokenizers} library through DJL, plus {@code tokenizer_config.json} for special tokens
 * and the chat template.
 *
 * <p>DJL's wrapper truncates to 512 tokens and pads by default; both are switched off here so that
 * an encoding is always the whole text. Special tokens written in the text (such as
 * {@code <|im_start|>}) are matched as single ids; {@code addSpecialTokens} only controls whether the
 * post-processor adds its tokens (a BOS, for Llama).
 */
public final class HfTokenizer implements AutoCloseable {
    public static final String TOKENIZER_FILE_NAME = "tokenizer.json";

    private final HuggingFaceTokenizer tokenizer;
    private final Vocabulary vocabulary;
    private final TokenizerConfig config;
    private final Set<Long> specialTokenIds;
    private final ChatTemplate chatTemplate;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, Vocabulary vocabulary, TokenizerConfig config) {
        this.tokenizer = tokenizer;
        this.vocabulary = vocabulary;
        this.config = config;
        Set<Long> special = new TreeSet<>(vocabulary.specialIds());
        config.addedTokensDecoder().forEach((id, token) -> {
            if (token.special()) {
                special.add(id);
            }
        });
        for (String t : new String[] {config.bosToken(), config.eosToken(), config.padToken(), config.unkToken()}) {
            if (t != null && vocabulary.id(t) != null) {
                special.add(vocabulary.id(t));
            }
        }
        this.specialTokenIds = Collections.unmodifiableSet(special);
        this.chatTemplate = config.chatTemplate() == null ? null
                : new ChatTemplate(config.chatTemplate()).withSpecialTokens(config.bosToken(), config.eosToken());
    }

    /**
     * Loads {@code modelDir/tokenizer.json} and {@code modelDir/tokenizer_config.json} (plus
     * {@code chat_template.jinja} when present).
     *
     * @throws IOException naming the file that is missing or malformed
     */
    public static HfTokenizer load(Path modelDir) throws IOException {
        Path file = modelDir.resolve(TOKENIZER_FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new IOException("no " + TOKENIZER_FILE_NAME + " in " + modelDir);
        }
        TokenizerConfig config = TokenizerConfig.read(modelDir);
        Vocabulary vocabulary = Vocabulary.read(file);
        Djl.configure();
        HuggingFaceTokenizer hf;
        try {
            hf = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
        } catch (RuntimeException e) {
            throw new IOException("cannot load " + file + ": " + e.getMessage(), e);
        }
        return new HfTokenizer(hf, vocabulary, config);
    }

    /**
     * Token ids of {@code text}.
     *
     * @param addSpecialTokens let the post-processor add its tokens (e.g. Llama's BOS); use false for
     *     text rendered by a chat template
     */
    public long[] encode(String text, boolean addSpecialTokens) {
        return tokenizer.encode(text, addSpecialTokens, false).getIds();
    }

    /**
     * Text of {@code ids}; invalid UTF-8 (a character cut between tokens) becomes U+FFFD. When the
     * config sets {@code clean_up_tokenization_spaces}, spaces before punctuation and English
     * contractions are removed as {@code transformers}' decode does.
     */
    public String decode(long[] ids, boolean skipSpecialTokens) {
        String text = tokenizer.decode(ids, skipSpecialTokens);
        return Boolean.TRUE.equals(config.cleanUpTokenizationSpaces()) ? cleanUpTokenizationSpaces(text) : text;
    }

    /** transformers' {@code clean_up_tokenization}. */
    static String cleanUpTokenizationSpaces(String text) {
        return text.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s")
                .replace(" 've", "'ve").replace(" 're", "'re");
    }

    /** A decoder for streaming generation that emits text as soon as characters are complete. */
    public StreamingDecoder streamingDecoder(boolean skipSpecialTokens) {
        return new StreamingDecoder(this, skipSpecialTokens);
    }

    /** Number of token ids: the model vocabulary and the added tokens together. */
    public int vocabSize() {
        return vocabulary.size();
    }

    /** Id of a vocabulary or added token, given in its stored form (byte-level BPE: {@code "Ġthe"}). */
    public OptionalLong tokenId(String token) {
        Long id = vocabulary.id(token);
        return id == null ? OptionalLong.empty() : OptionalLong.of(id);
    }

    /** Stored form of token {@code id}. */
    public String token(long id) {
        String token = vocabulary.token(id);
        if (token == null) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary (size " + vocabSize() + ")");
        }
        return token;
    }

    public Optional<String> bosToken() {
        return Optional.ofNullable(config.bosToken());
    }

    public Optional<String> eosToken() {
        return Optional.ofNullable(config.eosToken());
    }

    public Optional<String> padToken() {
        return Optional.ofNullable(config.padToken());
    }

    public OptionalLong bosTokenId() {
        return idOf(config.bosToken());
    }

    public OptionalLong eosTokenId() {
        return idOf(config.eosToken());
    }

    public OptionalLong padTokenId() {
        return idOf(config.padToken());
    }

    private OptionalLong idOf(String token) {
        return token == null ? OptionalLong.empty() : tokenId(token);
    }

    /** Ids of special tokens: added tokens marked special, plus the BOS/EOS/PAD/UNK tokens. */
    public Set<Long> specialTokenIds() {
        return specialTokenIds;
    }

    public TokenizerConfig config() {
        return config;
    }

    public boolean hasChatTemplate() {
        return chatTemplate != null;
    }

    /**
     * The model's chat template, with this tokenizer's {@code bos_token} and {@code eos_token}.
     *
     * @throws IllegalStateException when the model has no chat template (a base model)
     */
    public ChatTemplate chatTemplate() {
        if (chatTemplate == null) {
            throw new IllegalStateException("this tokenizer has no chat template (neither a chat_template key in "
                    + TokenizerConfig.FILE_NAME + " nor a " + TokenizerConfig.CHAT_TEMPLATE_FILE_NAME + " file)");
        }
        return chatTemplate;
    }

    /** Renders {@code messages} with the chat template and encodes the result. */
    public long[] applyChatTemplate(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return applyChatTemplate(messages, addGenerationPrompt, Map.of());
    }

    /**
     * Renders {@code messages} with the chat template and encodes the result with special-token
     * insertion off: the template already writes BOS where the model expects it, and a second BOS
     * from the post-processor would change what the model sees.
     */
    public long[] applyChatTemplate(List<ChatMessage> messages, boolean addGenerationPrompt,
            Map<String, ?> extraVariables) {
        return encode(renderChatTemplate(messages, addGenerationPrompt, extraVariables), false);
    }

    /**
     * The text {@link #applyChatTemplate} encodes. Like {@code transformers}, all special tokens of
     * the config ({@code bos_token}, {@code eos_token}, {@code pad_token}, {@code unk_token}) are
     * template variables.
     */
    public String renderChatTemplate(List<ChatMessage> messages, boolean addGenerationPrompt,
            Map<String, ?> extraVariables) {
        Map<String, Object> variables = new HashMap<>();
        if (config.padToken() != null) {
            variables.put("pad_token", config.padToken());
        }
        if (config.unkToken() != null) {
            variables.put("unk_token", config.unkToken());
        }
        variables.putAll(extraVariables);
        return chatTemplate().render(messages, addGenerationPrompt, variables);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
