package org.finetune4j.chat;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

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

    /** The text of the last user turn of {@code conversation}, if it has one. */
    public static Optional<String> lastUserContent(List<ChatMessage> conversation) {
        for (int i = conversation.size() - 1; i >= 0; i--) {
            if (conversation.get(i).role() == Role.USER) {
                return Optional.of(conversation.get(i).content());
            }
        }
        return Optional.empty();
    }
}
