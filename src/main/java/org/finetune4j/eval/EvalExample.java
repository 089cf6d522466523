package org.finetune4j.eval;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.finetune4j.chat.ChatMessage;

/**
 * One evaluation prompt with its expected JSON answer.
 *
 * @param id     stable identifier (shown in worst-example tables and the JSON report)
 * @param prompt the conversation the model answers: everything before the final assistant turn
 * @param gold   the expected answer as JSON text
 * @param groups labels for per-group breakdowns, e.g. {@code intent → transfer}, {@code language → id}
 */
public record EvalExample(String id, List<ChatMessage> prompt, String gold, Map<String, String> groups) {

    public EvalExample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(gold, "gold");
        prompt = List.copyOf(prompt);
        if (prompt.isEmpty()) {
            throw new IllegalArgumentException("example " + id + ": prompt is empty");
        }
        groups = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(groups));
    }
}
