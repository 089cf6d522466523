package org.finetune4j.task;

import java.util.Objects;

/**
 * A user-message pattern. Syntax of {@code text}:
 * <ul>
 *   <li>{@code {amount}}, {@code {recipient}}, {@code {phone}}, {@code {provider}}, {@code {date}},
 *       {@code {note}}: field slots, filled from the gold answer and never touched by noise;</li>
 *   <li>{@code {bill}}: a word for the chosen biller ("listrik" for PLN); {@code {w:a|b|}}: one of the
 *       alternatives (the last may be empty), both subject to noise;</li>
 *   <li>{@code [ … ]}: an optional segment, kept or dropped as a whole; a field whose slot is dropped is null.</li>
 * </ul>
 *
 * @param id       stable identifier {@code intent.language.index}, written to {@code meta.template}
 * @param intent   the intent every message from this template has
 * @param language the template's language
 * @param text     the pattern
 * @param split    {@link Split#TEST} for held-out templates, else {@link Split#TRAIN} (shared with validation)
 */
public record MessageTemplate(String id, Intent intent, Language language, String text, Split split) {
    public MessageTemplate {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(intent, "intent");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(split, "split");
        if (split != Split.TRAIN && split != Split.TEST) {
            throw new IllegalArgumentException("a template is held out (TEST) or not (TRAIN): " + split);
        }
    }

    /** True if the template may be used for {@code target} (validation shares the training templates). */
    public boolean usableFor(Split target) {
        return target == Split.TEST ? split == Split.TEST : split == Split.TRAIN;
    }
}
