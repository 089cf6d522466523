package org.finetune4j.tokenizer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The parts of a model's {@code tokenizer_config.json} that tokenizing and templating need.
 *
 * <p>Special tokens are stored in two shapes in the wild: a plain string ({@code "<|im_end|>"}) or
 * an AddedToken object ({@code {"__type": "AddedToken", "content": "<s>", ...}}); both map to the
 * token text here. {@code chat_template} is a Jinja string, or a list of named templates of which
 * the one named {@code "default"} is used. Keys this record does not know are ignored.
 *
 * @param bosToken                  beginning-of-sequence token text, or null
 * @param eosToken                  end-of-sequence token text (for instruct models usually the end-of-turn token), or null
 * @param padToken                  padding token text, or null
 * @param unkToken                  unknown token text, or null
 * @param addBosToken               slow-tokenizer flag {@code add_bos_token}, or null when absent
 * @param addEosToken               slow-tokenizer flag {@code add_eos_token}, or null when absent
 * @param chatTemplate              the Jinja chat template, or null when the model has none
 * @param modelMaxLength            {@code model_max_length} (HF's "no limit" 1e30 is clamped to {@link Long#MAX_VALUE}), or null
 * @param addedTokensDecoder        added tokens by id
 * @param cleanUpTokenizationSpaces whether HF's decode removes spaces before punctuation, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TokenizerConfig(
        @JsonProperty("bos_token") @JsonDeserialize(using = TokenText.class) String bosToken,
        @JsonProperty("eos_token") @JsonDeserialize(using = TokenText.class) String eosToken,
        @JsonProperty("pad_token") @JsonDeserialize(using = TokenText.class) String padToken,
        @JsonProperty("unk_token") @JsonDeserialize(using = TokenText.class) String unkToken,
        @JsonProperty("add_bos_token") Boolean addBosToken,
        @JsonProperty("add_eos_token") Boolean addEosToken,
        @JsonProperty("chat_template") @JsonDeserialize(using = TemplateText.class) String chatTemplate,
        @JsonProperty("model_max_length") @JsonDeserialize(using = ClampedLong.class) Long modelMaxLength,
        @JsonProperty("added_tokens_decoder") Map<Long, AddedToken> addedTokensDecoder,
        @JsonProperty("clean_up_tokenization_spaces") Boolean cleanUpTokenizationSpaces) {

    public static final String FILE_NAME = "tokenizer_config.json";
    public static final String CHAT_TEMPLATE_FILE_NAME = "chat_template.jinja";

    private static final ObjectMapper JSON = new ObjectMapper();

    public TokenizerConfig {
        addedTokensDecoder = addedTokensDecoder == null ? Map.of() : Map.copyOf(new TreeMap<>(addedTokensDecoder));
    }

    /** A config with no keys at all (a model directory without tokenizer_config.json). */
    public static TokenizerConfig empty() {
        return new TokenizerConfig(null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * One entry of {@code added_tokens_decoder}.
     *
     * @param content     the token text
     * @param special     whether decode with skip-special-tokens drops it
     * @param lstrip      whether matching eats whitespace on its left
     * @param rstrip      whether matching eats whitespace on its right
     * @param normalized  whether it is matched after normalisation
     * @param singleWord  whether it only matches as a whole word
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AddedToken(
            @JsonProperty("content") String content,
            @JsonProperty("special") boolean special,
            @JsonProperty("lstrip") boolean lstrip,
            @JsonProperty("rstrip") boolean rstrip,
            @JsonProperty("normalized") boolean normalized,
            @JsonProperty("single_word") boolean singleWord) {}

    public Optional<String> chatTemplateSource() {
        return Optional.ofNullable(chatTemplate);
    }

    /** This config with another chat template. */
    public TokenizerConfig withChatTemplate(String template) {
        return new TokenizerConfig(bosToken, eosToken, padToken, unkToken, addBosToken, addEosToken, template,
                modelMaxLength, addedTokensDecoder, cleanUpTokenizationSpaces);
    }

    /**
     * Reads {@code dir/tokenizer_config.json} (absent: an {@linkplain #empty() empty} config) and, when
     * present, {@code dir/chat_template.jinja}, which newer {@code transformers} versions write instead
     * of the {@code chat_template} key and which takes precedence over it when loading.
     *
     * @throws IOException naming the file when it cannot be read or is not valid JSON of this shape
     */
    public static TokenizerConfig read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        TokenizerConfig config = Files.exists(file) ? parse(file) : empty();
        Path jinja = dir.resolve(CHAT_TEMPLATE_FILE_NAME);
        if (Files.exists(jinja)) {
            config = config.withChatTemplate(Files.readString(jinja, StandardCharsets.UTF_8));
        }
        return config;
    }

    /** Parses one {@code tokenizer_config.json} file. */
    public static TokenizerConfig parse(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            TokenizerConfig config = JSON.readValue(bytes, TokenizerConfig.class);
            if (config == null) {
                throw new IOException("malformed " + file + ": expected a JSON object, found null");
            }
            return config;
        } catch (JsonProcessingException e) {
            throw new IOException("malformed " + file + ": " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                            + ", column " + e.getLocation().getColumnNr()), e);
        }
    }

    /** A token given as a string, as an AddedToken object, or as null. */
    static final class TokenText extends JsonDeserializer<String> {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode node = p.readValueAsTree();
            if (node == null || node.isNull()) {
                return null;
            }
            if (node.isTextual()) {
                return node.asText();
            }
            if (node.isObject() && node.get("content") != null && node.get("content").isTextual()) {
                return node.get("content").asText();
            }
            return (String) ctxt.handleUnexpectedToken(String.class, p.currentToken(), p,
                    "a special token must be a string or an object with a \"content\" string, found " + node);
        }

        @Override
        public String getNullValue(DeserializationContext ctxt) {
            return null;
        }
    }

    /** A chat template given as a string or as a list of {name, template}; the "default" one is used. */
    static final class TemplateText extends JsonDeserializer<String> {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode node = p.readValueAsTree();
            if (node == null || node.isNull()) {
                return null;
            }
            if (node.isTextual()) {
                return node.asText();
            }
            if (node.isArray()) {
                for (JsonNode entry : node) {
                    if ("default".equals(entry.path("name").asText(null)) && entry.path("template").isTextual()) {
                        return entry.get("template").asText();
                    }
                }
                return (String) ctxt.handleUnexpectedToken(String.class, p.currentToken(), p,
                        "chat_template is a list without an entry named \"default\"");
            }
            return (String) ctxt.handleUnexpectedToken(String.class, p.currentToken(), p,
                    "chat_template must be a string or a list of {name, template}, found " + node.getNodeType());
        }
    }

    /** An integer that may exceed a long (HF writes 1e30 for "no limit"); clamped to Long.MAX_VALUE. */
    static final class ClampedLong extends JsonDeserializer<Long> {
        private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode node = p.readValueAsTree();
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isNumber()) {
                return (Long) ctxt.handleUnexpectedToken(Long.class, p.currentToken(), p,
                        "model_max_length must be a number, found " + node);
            }
            BigInteger value = node.bigIntegerValue();
            return value.compareTo(MAX) > 0 ? Long.MAX_VALUE : value.longValue();
        }
    }
}
