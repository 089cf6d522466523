package org.finetune4j.chat;

import java.util.Objects;

/**
 * One turn of a conversation.
 *
 * @param role    who speaks
 * @param content the text of the turn (never null; may be empty)
 */
public record ChatMessage(Role role, String content) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    public static ChatMessage system(String content) {
        return new ChatMessage(Role.SYSTEM, content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content);
    }
}
