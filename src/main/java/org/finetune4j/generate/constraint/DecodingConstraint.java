package org.finetune4j.generate.constraint;

import java.util.List;
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
}
