package org.finetune4j.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** JSON Lines layouts of chat training data; all are read into OpenAI-style {@link Conversation}s. */
public enum DatasetFormat {
    /** {@code {"messages": [{"role": ..., "content": ..., "weight"?: 0|1}], ...}}. */
    OPENAI_MESSAGES,
    /** {@code {"conversations": [{"from": "human"|"gpt"|"system", "value": ...}], "system"?: ...}}. */
    SHAREGPT,
    /** {@code {"instruction", "input"?, "output", "system"?, "history"?: [[q, a], ...]}}. */
    ALPACA;

    /**
     * The format whose distinguishing key the object has: {@code messages}, then the ShareGPT turn-list
     * key of {@code tags}, then {@code instruction}.
     */
    public static Optional<DatasetFormat> detect(JsonNode object, ShareGptTags tags) {
        if (object == null || !object.isObject()) {
            return Optional.empty();
        }
        if (object.has("messages")) {
            return Optional.of(OPENAI_MESSAGES);
        }
        if (object.has(tags.messagesKey())) {
            return Optional.of(SHAREGPT);
        }
        if (object.has("instruction")) {
            return Optional.of(ALPACA);
        }
        return Optional.empty();
    }
}
