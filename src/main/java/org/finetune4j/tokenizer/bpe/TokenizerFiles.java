package org.finetune4j.tokenizer.bpe;

import java.util.Objects;

/**
 * What {@link BpeModel#save} writes besides the vocabulary: the roles of the special tokens, the
 * context length and the chat template that go into {@code tokenizer_config.json} and
 * {@code special_tokens_map.json}.
 *
 * <p>The defaults follow Qwen2-style ChatML models: no BOS token (ChatML turns start with
 * {@code <|im_start|>} anyway, so nothing is prepended), {@code <|im_end|>} ends a turn and is the
 * EOS that stops generation, {@code <|endoftext|>} pads and separates packed documents.
 *
 * @param bosToken       BOS token, or {@code null} for none
 * @param eosToken       EOS token (end of an assistant turn)
 * @param padToken       padding token
 * @param modelMaxLength longest sequence the model accepts, in tokens
 * @param chatTemplate   Jinja chat template
 */
public record TokenizerFiles(String bosToken, String eosToken, String padToken, int modelMaxLength, String chatTemplate) {

    /**
     * Minimal ChatML: each message as {@code <|im_start|>{role}\n{content}<|im_end|>\n}; the
     * generation prompt is {@code <|im_start|>assistant\n}; no default system prompt.
     */
    public static final String CHATML_TEMPLATE =
            "{%- for message in messages -%}"
                    + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
                    + "{%- endfor -%}"
                    + "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}{%- endif -%}";

    public TokenizerFiles {
        Objects.requireNonNull(eosToken, "eosToken");
        Objects.requireNonNull(padToken, "padToken");
        Objects.requireNonNull(chatTemplate, "chatTemplate");
        if (modelMaxLength <= 0) {
            throw new IllegalArgumentException("modelMaxLength must be positive, got " + modelMaxLength);
        }
    }

    /** The ChatML defaults described in the class comment, with a 2,048-token context. */
    public static TokenizerFiles chatMl() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder in DJL style; every setting is optional. */
    public static final class Builder {
        private String bosToken;
        private String eosToken = "<|im_end|>";
        private String padToken = "<|endoftext|>";
        private int modelMaxLength = 2048;
        private String chatTemplate = CHATML_TEMPLATE;

        private Builder() {}

        /** BOS token; {@code null} (the default) for none. */
        public Builder optBosToken(String bosToken) {
            this.bosToken = bosToken;
            return this;
        }

        public Builder optEosToken(String eosToken) {
            this.eosToken = eosToken;
            return this;
        }

        public Builder optPadToken(String padToken) {
            this.padToken = padToken;
            return this;
        }

        public Builder optModelMaxLength(int modelMaxLength) {
            this.modelMaxLength = modelMaxLength;
            return this;
        }

        public Builder optChatTemplate(String chatTemplate) {
            this.chatTemplate = chatTemplate;
            return this;
        }

        public TokenizerFiles build() {
            return new TokenizerFiles(bosToken, eosToken, padToken, modelMaxLength, chatTemplate);
        }
    }
}
