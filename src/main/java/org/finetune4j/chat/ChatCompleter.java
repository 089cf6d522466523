package org.finetune4j.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * Anything that answers a conversation with the next assistant turn: a fine-tuned model, a base
 * model, a rule-based baseline or a test double. Evaluators depend on this, not on a model class.
 */
@FunctionalInterface
public interface ChatCompleter {

    /** The assistant's reply to {@code conversation} (which ends with a user turn). */
    String complete(List<ChatMessage> conversation);

    /** Replies to many conversations; model-backed implementations override this to batch. */
    default List<String> completeAll(List<List<ChatMessage>> conversations) {
        List<String> out = new ArrayList<>(conversations.size());
        for (List<ChatMessage> c : conversations) {
            out.add(complete(c));
        }
        return out;
    }
}
