package org.finetune4j.eval;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Aggregate scores of a set of answers (a whole eval set or one group of it). Counts are stored; rates are
 * derived so they can be checked as exact fractions. Every rate whose denominator is zero is reported as 0.
 *
 * @param n                answers
 * @param validJson        answers that parsed
 * @param schemaValid      answers valid against the schema
 * @param exactMatch       answers equal to the gold answer
 * @param goldPairs        gold {@code path → value} pairs over all answers
 * @param predictedPairs   predicted pairs over all answers
 * @param correctPairs     predicted pairs that match the gold pair at the same path
 * @param categories       answers per {@link ErrorCategory} (every category present, possibly 0)
 * @param violations       answers showing each {@link SchemaViolation} (an answer may count under several)
 * @param perField         pair counts per field name, gold fields in first-seen order, then predicted-only ones
 */
public record EvalMetrics(
        int n,
        int validJson,
        int schemaValid,
        int exactMatch,
        int goldPairs,
        int predictedPairs,
        int correctPairs,
        Map<ErrorCategory, Integer> categories,
        Map<SchemaViolation, Integer> violations,
        Map<String, FieldStats> perField) {

    public EvalMetrics {
        categories = Collections.unmodifiableMap(new EnumMap<>(categories));
        violations = Collections.unmodifiableMap(new EnumMap<>(violations));
        perField = Collections.unmodifiableMap(new LinkedHashMap<>(perField));
    }

    /** Aggregates {@code scores}. */
    public static EvalMetrics of(Collection<AnswerScore> scores) {
        int valid = 0;
        int schema = 0;
        int exact = 0;
        int gold = 0;
        int pred = 0;
        int correct = 0;
        Map<ErrorCategory, Integer> categories = new EnumMap<>(ErrorCategory.class);
        for (ErrorCategory c : ErrorCategory.values()) {
            categories.put(c, 0);
        }
        Map<SchemaViolation, Integer> violations = new EnumMap<>(SchemaViolation.class);
        for (SchemaViolation v : SchemaViolation.values()) {
            violations.put(v, 0);
        }
        Map<String, FieldStats> fields = new LinkedHashMap<>();
        for (AnswerScore s : scores) {
            valid += s.validJson() ? 1 : 0;
            schema += s.schemaValid() ? 1 : 0;
            exact += s.exactMatch() ? 1 : 0;
            gold += s.goldPairs();
            pred += s.predictedPairs();
            correct += s.correctPairs();
            categories.merge(s.category(), 1, Integer::sum);
            s.violations().forEach(v -> violations.merge(v, 1, Integer::sum));
            for (JsonLeaf g : s.goldFields().values()) {
                add(fields, g.field(), 1, 0, s.fieldCorrect().get(g.path()) ? 1 : 0);
            }
            for (JsonLeaf p : s.predictedFields().values()) {
                add(fields, p.field(), 0, 1, 0);
            }
        }
        Map<String, FieldStats> perField = new LinkedHashMap<>();
        fields.values().stream().filter(f -> f.gold() > 0).forEach(f -> perField.put(f.field(), f));
        fields.values().stream().filter(f -> f.gold() == 0).forEach(f -> perField.put(f.field(), f));
        return new EvalMetrics(scores.size(), valid, schema, exact, gold, pred, correct, categories, violations,
                perField);
    }

    private static void add(Map<String, FieldStats> fields, String field, int gold, int predicted, int correct) {
        fields.merge(field, new FieldStats(field, gold, predicted, correct),
                (a, b) -> a.plus(b.gold(), b.predicted(), b.correct()));
    }

    public double validJsonRate() {
        return FieldStats.ratio(validJson, n);
    }

    public double schemaValidRate() {
        return FieldStats.ratio(schemaValid, n);
    }

    public double exactMatchRate() {
        return FieldStats.ratio(exactMatch, n);
    }

    /** Micro field accuracy: correct pairs / gold pairs (by definition equal to {@link #microRecall()}). */
    public double fieldAccuracy() {
        return FieldStats.ratio(correctPairs, goldPairs);
    }

    /** Correct predicted pairs / predicted pairs; unparseable answers add no predicted pairs. */
    public double microPrecision() {
        return FieldStats.ratio(correctPairs, predictedPairs);
    }

    /** Correct predicted pairs / gold pairs. */
    public double microRecall() {
        return FieldStats.ratio(correctPairs, goldPairs);
    }

    public double microF1() {
        return FieldStats.f1(microPrecision(), microRecall());
    }

    /**
     * Mean F1 over the field names that occur in the gold answers. Field names seen only in predictions are
     * left out (their cost is already in micro precision and in the extra-field rate).
     */
    public double macroF1() {
        return perField.values().stream().filter(f -> f.gold() > 0).mapToDouble(FieldStats::f1).average()
                .orElse(0.0);
    }

    /** Fraction of answers in {@code category}. */
    public double categoryRate(ErrorCategory category) {
        return FieldStats.ratio(categories.get(category), n);
    }

    /** Fraction of answers showing {@code violation}. */
    public double violationRate(SchemaViolation violation) {
        return FieldStats.ratio(violations.get(violation), n);
    }
}
