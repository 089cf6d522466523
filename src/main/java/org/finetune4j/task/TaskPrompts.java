package org.finetune4j.task;

import java.time.LocalDate;
import java.util.Objects;

/**
 * The system prompts of the payments task. Training data, notebooks and evaluation must all use these exact
 * texts: a model fine-tuned under one prompt is only measured fairly under the same prompt.
 *
 * <p>Both prompts end with the line {@code "Tanggal referensi / reference date: YYYY-MM-DD"}; relative dates in
 * the user message ("besok", "next Friday") are resolved against that date (see {@link RelativeDates}).
 */
public final class TaskPrompts {

    /** Prefix of the last line of every system prompt; the ISO date follows it. */
    public static final String REFERENCE_DATE_LABEL = "Tanggal referensi / reference date: ";

    /** The JSON-only prompt without its reference-date line. */
    public static final String JSON_INSTRUCTIONS = String.join("\n",
            "Payments assistant for Indonesian users; messages are in Indonesian, English or mixed.",
            "Reply with ONLY one JSON object, fields in this order: intent (transfer|pay_bill|top_up|buy_airtime|"
                    + "check_balance|request_money|transaction_history|unknown), amount (number or null), currency "
                    + "(ISO 4217, IDR if none named, null without amount), recipient, provider, date (YYYY-MM-DD, "
                    + "resolved against the reference date), note (purpose).",
            "Use null for anything not stated; no payment request means intent unknown and all else null.");

    /** The prose prompt (used only to pretrain the base model) without its reference-date line. */
    public static final String PROSE_INSTRUCTIONS = String.join("\n",
            "Payments assistant for Indonesian users; messages are in Indonesian, English or mixed.",
            "Confirm the request in one short sentence in the user's language (Indonesian if mixed); "
                    + "if it is not a payment request, say you only help with payments.");

    private TaskPrompts() {
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
        try {
            return LocalDate.parse(rest);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("system prompt reference date is not YYYY-MM-DD: '" + rest + "'", e);
        }
    }

    private static String referenceLine(LocalDate referenceDate) {
        return REFERENCE_DATE_LABEL + Objects.requireNonNull(referenceDate, "referenceDate");
    }
}
