package org.finetune4j.generate.constraint;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One property of a flat JSON object as constrained decoding writes it.
 *
 * @param name        the property name
 * @param kinds       the value types allowed
 * @param enumStrings the allowed string values, or null when any string is
 * @param pattern     a regular expression every string value must match, or null
 * @param anchored    whether {@code pattern} is anchored at both ends ({@code ^…$}): then a partial value is checked
 *                    as a prefix of a match; an unanchored pattern is only checked once the string is closed
 * @param minLength   the shortest string value, in characters
 * @param maxLength   the longest string value, in characters
 * @param nonNegative whether a number may not start with a minus sign (schema {@code minimum} or
 *                    {@code exclusiveMinimum} at or above 0)
 * @param positive    whether a number may not be zero either ({@code exclusiveMinimum} at or above 0)
 * @param copied      whether a string value must be copied from the source text (the user's message) by the rule
 *                    of {@link CopiedText}
 */
public record JsonField(String name, Set<JsonValueKind> kinds, List<String> enumStrings, Pattern pattern,
        boolean anchored, int minLength, int maxLength, boolean nonNegative, boolean positive, boolean copied) {

    public JsonField {
        kinds = Set.copyOf(kinds);
        enumStrings = enumStrings == null ? null : List.copyOf(enumStrings);
    }

    boolean allows(JsonValueKind kind) {
        return kinds.contains(kind);
    }
}
