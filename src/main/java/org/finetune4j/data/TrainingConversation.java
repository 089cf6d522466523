package org.finetune4j.data;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.finetune4j.chat.ChatMessage;
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

    /**
     * This conversation with its messages rewritten by a prompt augmentation that may insert messages before the
     * first one (a retrieved example's system message) and change, but not remove, the others: the same turns
     * stay untrained, their indices shifted by the number inserted; meta and source are kept.
     *
     * @throws IllegalArgumentException naming the source when {@code messages} has fewer messages than before
     */
    public TrainingConversation withMessages(List<ChatMessage> messages) {
        int shift = messages.size() - conversation.messages().size();
        if (shift < 0) {
            throw new IllegalArgumentException(source() + ": " + -shift + " message(s) removed by a prompt rewrite");
        }
        Set<Integer> excluded = new HashSet<>();
        for (int i : excludedTurns) {
            excluded.add(i + shift);
        }
        return new TrainingConversation(new Conversation(messages, conversation.meta(), source()), excluded);
    }

    public String source() {
        return conversation.source();
    }
}
