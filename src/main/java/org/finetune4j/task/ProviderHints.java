package org.finetune4j.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.finetune4j.chat.ChatMessage;

/**
 * A catalogue-lookup tool for the payments task's prompts, beside {@link DateHints} and {@link AmountHints}: the
 * biller, wallet or operator the user's message names, found in the app's catalogue of providers
 * ({@link PaymentLexicon}: PLN, BPJS, GoPay, OVO, Telkomsel, by.U, …) whatever its case ("pln", "INDIHOME"), and
 * stated in its catalogue spelling on a line of its own, as the answer writes it
 * ({@code "provider":"IndiHome"}). A payments app knows its billers; the model then copies a name
 * instead of recalling how the catalogue spells it. A message that names none, or more than one, gets no line.
 */
public final class ProviderHints {
    /** Every provider of the catalogue, with the pattern that finds it as a whole word in a lower-cased message. */
    private record Entry(String name, Pattern pattern) {}

    private static final List<Entry> CATALOGUE = PaymentLexicon.PROVIDERS.stream()
            .map(p -> new Entry(p, Pattern.compile("(?<![\\p{L}\\p{N}.])" + Pattern.quote(p.toLowerCase(Locale.ROOT))
                    + "(?![\\p{L}\\p{N}])")))
            .toList();

    private ProviderHints() {
    }

    /** The one provider of the catalogue that {@code message} names, in its catalogue spelling. */
    public static Optional<String> find(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        List<String> named = new ArrayList<>();
        for (Entry e : CATALOGUE) {
            if (e.pattern().matcher(lower).find()) {
                named.add(e.name());
            }
        }
        return named.size() == 1 ? Optional.of(named.get(0)) : Optional.empty();
    }

    /** The hint line's text, the field as the answer writes it: {@code "provider":"PLN"}. */
    public static String line(String provider) {
        return "\"provider\":\"" + provider + "\"";
    }

    /**
     * {@code conversation} with the hint line appended to its system message when the last user message names one
     * provider; otherwise (none, several, no system message, or no reference-date line in it) the same list.
     */
    public static List<ChatMessage> withHint(List<ChatMessage> conversation) {
        return TaskPrompts.withHintLine(conversation, (user, reference) -> find(user).map(ProviderHints::line));
    }
}
