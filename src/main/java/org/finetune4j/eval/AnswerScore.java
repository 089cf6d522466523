package org.finetune4j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How one completion scored against its gold answer.
 *
 * @param validJson       the extracted text parsed as exactly one JSON value
 * @param parseError      the parser's message when {@code validJson} is false, else null
 * @param schemaValid     parsed and valid against the objective's schema (unparseable ⇒ false)
 * @param schemaErrors    the validator's messages, empty when valid or unparseable
 * @param violations      the kinds of schema failure present (empty when valid or unparseable)
 * @param exactMatch      every gold pair matched and no extra predicted pair: canonical equality of the whole
 *                        document when no custom field comparator is set
 * @param fieldCorrect    per gold path ({@code items[0].price}), whether the prediction matched it; all false
 *                        when unparseable
 * @param goldFields      flattened gold answer, keyed by path (same keys as {@code fieldCorrect})
 * @param predictedFields flattened prediction (after the {@link MissingFieldPolicy}); empty when unparseable
 * @param category        the single worst problem, or {@link ErrorCategory#CORRECT}
 * @param prediction      the parsed prediction, null when unparseable
 */
public record AnswerScore(
        boolean validJson,
        String parseError,
        boolean schemaValid,
        List<String> schemaErrors,
        Set<SchemaViolation> violations,
        boolean exactMatch,
        Map<String, Boolean> fieldCorrect,
        Map<String, JsonLeaf> goldFields,
        Map<String, JsonLeaf> predictedFields,
        ErrorCategory category,
        JsonNode prediction) {

    public AnswerScore {
        schemaErrors = List.copyOf(schemaErrors);
        violations = Set.copyOf(violations);
        fieldCorrect = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fieldCorrect));
        goldFields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(goldFields));
        predictedFields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(predictedFields));
    }

    /** Number of gold {@code path → value} pairs. */
    public int goldPairs() {
        return fieldCorrect.size();
    }

    /** Number of predicted {@code path → value} pairs (0 when unparseable). */
    public int predictedPairs() {
        return predictedFields.size();
    }

    /** Number of predicted pairs that match the gold pair at the same path. */
    public int correctPairs() {
        return (int) fieldCorrect.values().stream().filter(Boolean::booleanValue).count();
    }
}
