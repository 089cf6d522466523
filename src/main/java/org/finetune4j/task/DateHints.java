package org.finetune4j.task;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.finetune4j.chat.ChatMessage;

/**
 * A date-resolver tool for the payments task's prompts: it finds the date expression in the user's message
 * ("tf 50rb ke budi besok", "bayar PLN jumat depan", "on the 5th") with {@link RelativeDates}, resolves it against
 * the reference date of the system prompt and states the result on a line of its own, as the answer writes it
 * ({@code "date":"2024-12-04"}), so the model copies a date instead of doing calendar arithmetic — the skill the
 * tiny base lacks most (81 % of test dates right without it). Until session 20 the line had a label ("Tanggal
 * disebut / date mentioned: 2024-12-04"); the bare JSON fragments of the three tools are 11 tokens shorter per
 * conversation and did as well or better (test exact match 84.0 → 85.0 %, hand-written examples 93 → 96 %, with
 * constrained decoding, seed 42).
 *
 * <p>Measured in session 18 ({@code tools/probes/DateHintTask.java}, the default vote recipe, seed 42): the line from
 * this search on every training and test prompt lifts test exact match 62.6 → 73.4 % (date right 81.4 → 96.0 %)
 * and the hand-written examples 55 → 78 %; with the gold date instead (an oracle) 74.0 %. The search finds 154 of
 * the 155 test dates and 42 of the 42 hand-written ones. It also fires on messages whose date the schema leaves
 * null ("kenapa transaksi gagal kemarin?", an {@code unknown}): trained with those, the model learns when to
 * ignore the line.
 *
 * <p>Part of the quickstart's recipe ({@link PaymentsRecipe#PROMPT_TOOLS}) as the prompt tool {@link DateHintTool},
 * saved beside the model in {@code prompt_tools.json} so that {@code eval} and {@code chat} prompt it the same way.
 */
public final class DateHints {
    /** The longest span tried: "hari jumat depan" is 3 words, "12 januari 2025" 3, "the day after tomorrow" 4. */
    static final int MAX_WORDS = 6;

    private DateHints() {
    }

    /**
     * The date that {@code message} names, relative to {@code reference}: the longest span of up to
     * {@value #MAX_WORDS} words that {@link RelativeDates#resolve} accepts, the leftmost of equal lengths;
     * exclamation and question marks and commas not followed by a digit ("2,5jt" keeps its comma) separate
     * words, and a span's final full stops are dropped.
     */
    public static Optional<LocalDate> find(String message, LocalDate reference) {
        return locate(message, reference).map(DateSpan::date);
    }

    /**
     * {@code message} without the words of the date it names (the words joined by single spaces), so that the
     * numbers of "25 september" or "18/10" are not read as amounts; the message as it is when it names none.
     */
    public static String withoutDate(String message, LocalDate reference) {
        Optional<DateSpan> span = locate(message, reference);
        if (span.isEmpty()) {
            return message;
        }
        String[] words = words(message);
        List<String> rest = new ArrayList<>(Arrays.asList(words).subList(0, span.get().from()));
        rest.addAll(Arrays.asList(words).subList(span.get().to(), words.length));
        return String.join(" ", rest);
    }

    /** A date expression: words {@code [from, to)} of the message, and the date they name. */
    private record DateSpan(int from, int to, LocalDate date) {}

    private static Optional<DateSpan> locate(String message, LocalDate reference) {
        String[] words = words(message.toLowerCase(Locale.ROOT));
        for (int len = Math.min(MAX_WORDS, words.length); len >= 1; len--) {
            for (int i = 0; i + len <= words.length; i++) {
                String span = String.join(" ", Arrays.copyOfRange(words, i, i + len)).replaceAll("\\.+$", "");
                Optional<LocalDate> date = RelativeDates.resolve(span, reference);
                if (date.isPresent()) {
                    return Optional.of(new DateSpan(i, i + len, date.get()));
                }
            }
        }
        return Optional.empty();
    }

    private static String[] words(String message) {
        return message.replaceAll("[!?]|,(?!\\d)", " ").strip().split("\\s+");
    }

    /**
     * {@code conversation} with the hint line appended to its system message when the last user message names a
     * date; otherwise (no date, no system message, or no reference-date line in it) the same list.
     */
    public static List<ChatMessage> withHint(List<ChatMessage> conversation) {
        return TaskPrompts.withHintLine(conversation, (user, reference) -> find(user, reference).map(DateHints::line));
    }

    /** The hint line's text for {@code date}, the field as the answer writes it: {@code "date":"2024-12-04"}. */
    public static String line(LocalDate date) {
        return "\"date\":\"" + date + "\"";
    }
}
