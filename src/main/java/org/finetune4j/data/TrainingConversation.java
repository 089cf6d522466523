package org.finetune4j.data;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.finetune4j.chat.Role;

/**
 * A conversation plus which of its assistant turns are <em>not</em> learned (OpenAI's
 * {@code "weight": 0}): such a turn stays in the context of later turns but none of its tokens is a target.
 *
 * @param conversation   the example
 * @param excludedTurns  indices into {@code conversation.messages()} of assistant turns with weight 0
 */
public record TrainingConversation(Conversation conversation, Set<Integer> excludedTurns) {
    public TrainingConversation {
        Objects.requireNonNull(conversation, "conversation");
        excludedTurns = Set.copyOf(new TreeSet<>(excludedTurns));
        for (int i : excludedTurns) {
            if (i < 0 || i >= conversation.messages().size() || conversation.messages().get(i).role() != Role.ASSISTANT) {
                throw new IllegalArgumentException(conversation.source() + ": excluded turn " + i + " is not an assistant turn");
            }
        }
    }

    /** Every assistant turn is learned (the default of all formats). */
    public static TrainingConversation allAssistantTurns(Conversation conversation) {
        return new TrainingConversation(conversation, Set.of());
    }

    /** Whether message {@code index} is an assistant turn whose tokens are targets. */
    public boolean isTrained(int index) {
        return conversation.messages().get(index).role() == Role.ASSISTANT && !excludedTurns.contains(index);
    }

    public String source() {
        return conversation.source();
    }
}
