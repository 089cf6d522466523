package org.finetune4j.generate.constraint;

import java.util.List;
import java.util.Map;
import org.finetune4j.chat.ChatMessage;

/**
 * Answer fields whose value is decided for a conversation before the model answers it — by a unanimous retrieval
 * vote, for instance ({@code org.finetune4j.rag.RetrievalAugmentation#pins}). A prompt augmentation that also
 * implements this makes {@link org.finetune4j.generate.ChatModel} decode those fields under
 * {@link DecodingConstraint#pinned}; without a decoding constraint the pins have no effect.
 */
@FunctionalInterface
public interface FieldPins {
    /** Field name to the only value it may take in the answer to {@code conversation}; empty when none is decided. */
    Map<String, String> pins(List<ChatMessage> conversation);
}
