package org.finetune4j.generate.constraint;

import java.util.List;
import java.util.Map;
import org.finetune4j.chat.ChatMessage;

/**
 * A rule that every answer must follow, enforced while decoding by masking the tokens that would break it
 * (structured generation, as Outlines, llama.cpp grammars or OpenAI's structured outputs do). Set it on a
 * {@link org.finetune4j.generate.ChatModel} with {@code optDecodingConstraint}.
 */
public interface DecodingConstraint {

    /**
     * The state for one answer.
     *
     * @param conversation the conversation as the caller wrote it (before prompt tools or retrieval rewrite it)
     * @param vocabulary   the text of every token
     */
    TokenConstraint start(List<ChatMessage> conversation, TokenTexts vocabulary);

    /**
     * This constraint with some answer fields' values decided beforehand ({@link FieldPins}, e.g. by a unanimous
     * retrieval vote). A constraint that has no fields to pin — anything but a JSON Schema — ignores the pins and
     * returns itself.
     *
     * @param values field name to the only value it may take; empty: this constraint
     */
    default DecodingConstraint pinned(Map<String, String> values) {
        return this;
    }
}
