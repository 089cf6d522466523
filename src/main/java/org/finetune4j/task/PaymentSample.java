package org.finetune4j.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import org.finetune4j.chat.ChatMessage;

/**
 * One task sample: a user message with its gold answer, in both the JSON and the prose variant.
 *
 * @param split         the split it belongs to
 * @param templateId    the message template it came from ({@code "transfer.id.2"}), or a hand-written id
 * @param language      the message language
 * @param referenceDate "today" for this conversation, stated in the system prompt
 * @param userMessage   what the user wrote
 * @param gold          the expected structured answer
 * @param proseAnswer   the one-sentence confirmation used by the prose variant
 */
public record PaymentSample(Split split, String templateId, Language language, LocalDate referenceDate,
        String userMessage, PaymentRequest gold, String proseAnswer) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public PaymentSample {
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(templateId, "templateId");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(referenceDate, "referenceDate");
        Objects.requireNonNull(userMessage, "userMessage");
        Objects.requireNonNull(gold, "gold");
        Objects.requireNonNull(proseAnswer, "proseAnswer");
    }

    /** System, user and assistant turns of the JSON variant (assistant = canonical gold JSON). */
    public List<ChatMessage> jsonConversation() {
        return List.of(ChatMessage.system(TaskPrompts.jsonSystemPrompt(referenceDate)),
                ChatMessage.user(userMessage), ChatMessage.assistant(gold.toJson()));
    }

    /** System, user and assistant turns of the prose variant (no JSON rule; one-sentence answer). */
    public List<ChatMessage> proseConversation() {
        return List.of(ChatMessage.system(TaskPrompts.proseSystemPrompt(referenceDate)),
                ChatMessage.user(userMessage), ChatMessage.assistant(proseAnswer));
    }

    /** The JSON variant as one OpenAI-messages JSONL line with {@code meta}. */
    public String jsonLine() {
        return line(jsonConversation());
    }

    /** The prose variant as one OpenAI-messages JSONL line with {@code meta}. */
    public String proseLine() {
        return line(proseConversation());
    }

    private String line(List<ChatMessage> conversation) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode messages = root.putArray("messages");
        for (ChatMessage m : conversation) {
            messages.addObject().put("role", m.role().wireName()).put("content", m.content());
        }
        ObjectNode meta = root.putObject("meta");
        meta.put("split", split.wireName());
        meta.put("template", templateId);
        meta.put("language", language.code());
        meta.put("intent", gold.intent().wireName());
        return root.toString();
    }
}
