package org.finetune4j.data;

import java.util.List;

/**
 * The conversations of one file and what reading it found.
 *
 * @param conversations valid examples in file order
 * @param report        line counts and skip reasons
 */
public record ReadResult(List<TrainingConversation> conversations, ReadReport report) {
    public ReadResult {
        conversations = List.copyOf(conversations);
    }
}
