package org.finetune4j.data;

import java.util.List;
import java.util.Optional;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.chat.Role;

/**
 * Load-time rules for a training conversation: non-empty content, at least one learned assistant turn,
 * the last turn is the assistant's, and after an optional first system message user and assistant
 * alternate (tool results may follow an assistant turn and are answered by the assistant).
 */
public final class ConversationValidator {
    private ConversationValidator() {}

    /** The first rule {@code conversation} breaks, or empty when it is a valid training example. */
    public static Optional<String> problem(TrainingConversation conversation) {
        List<ChatMessage> messages = conversation.conversation().messages();
        if (messages.isEmpty()) {
            return Optional.of("no messages");
        }
        Role previous = null;
        boolean trained = false;
        boolean anyAssistant = false;
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (m.content().isBlank()) {
                return Optional.of("messages[" + i + "] (" + m.role().wireName() + ") has empty content");
            }
            Role role = m.role();
            if (role == Role.SYSTEM) {
                if (i != 0) {
                    return Optional.of("messages[" + i + "] is a system message; only the first message may be one");
                }
                continue;
            }
            boolean allowed = switch (role) {
                case USER -> previous == null || previous == Role.ASSISTANT;
                case ASSISTANT -> previous == Role.USER || previous == Role.TOOL;
                case TOOL -> previous == Role.ASSISTANT || previous == Role.TOOL;
                case SYSTEM -> false;
            };
            if (!allowed) {
                return Optional.of("messages[" + i + "] (" + role.wireName() + ") follows "
                        + (previous == null ? "the start" : previous.wireName())
                        + "; roles must alternate user/assistant after an optional system message");
            }
            if (role == Role.ASSISTANT) {
                anyAssistant = true;
                trained |= conversation.isTrained(i);
            }
            previous = role;
        }
        if (!anyAssistant) {
            return Optional.of("no assistant turn");
        }
        if (previous != Role.ASSISTANT) {
            return Optional.of("the last message is " + (previous == null ? "system" : previous.wireName())
                    + "; a training example must end with an assistant turn");
        }
        if (!trained) {
            return Optional.of("every assistant turn has weight 0; nothing to learn");
        }
        return Optional.empty();
    }
}
