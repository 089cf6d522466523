package org.finetune4j.data;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.finetune4j.chat.ChatMessage;

/**
 * One chat example of a dataset, in the canonical OpenAI {@code messages} form whatever format it was
 * read from.
 *
 * @param messages the turns, in order
 * @param meta     the line's other top-level keys (JSON values other than strings kept as compact JSON text)
 * @param source   where it came from, {@code "file:line"}, for error messages
 */
public record Conversation(List<ChatMessage> messages, Map<String, String> meta, String source) {
    public Conversation {
        messages = List.copyOf(messages);
        meta = Map.copyOf(meta);
        Objects.requireNonNull(source, "source");
    }
}
