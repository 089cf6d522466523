package org.finetune4j.rag;

import java.util.List;
import java.util.Objects;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.chat.Role;
import org.finetune4j.data.Conversation;

/**
 * A worked example the retriever can show the model: a user message and the answer it should get.
 *
 * @param message the user's message, what similarity is measured on
 * @param answer  the gold answer (for a JSON objective, the JSON text)
 * @param group   what the example was made from (a template id, a source document), or {@code ""}: while
 *                training, a conversation is never shown an example of its own group, so that its retrieved
 *                example is as far from it as a new user's message is from every training example
 */
public record SolvedExample(String message, String answer, String group) {
    public SolvedExample {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(group, "group");
    }

    /**
     * The example a conversation holds: its last user message and the assistant turn after it.
     *
     * @throws IllegalArgumentException naming the conversation's source when it has no user turn answered by
     *                                  the assistant
     */
    public static SolvedExample of(Conversation conversation, String group) {
        List<ChatMessage> m = conversation.messages();
        for (int i = m.size() - 1; i > 0; i--) {
            if (m.get(i).role() == Role.ASSISTANT && m.get(i - 1).role() == Role.USER) {
                return new SolvedExample(m.get(i - 1).content(), m.get(i).content(), group);
            }
        }
        throw new IllegalArgumentException(conversation.source()
                + ": no user message answered by the assistant, so it cannot serve as an example");
    }
}
