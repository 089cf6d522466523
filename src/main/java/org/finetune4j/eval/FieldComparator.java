package org.finetune4j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.text.Normalizer;

/**
 * Decides whether a predicted leaf value counts as equal to the gold one. The default, {@link #canonical()},
 * is what exact match means in the evaluation guide; others loosen one field (a numeric tolerance on an
 * amount, case-insensitive names) without touching the rest.
 */
@FunctionalInterface
public interface FieldComparator {

    /**
     * @param gold      the gold leaf (scalar, null, or empty container)
     * @param predicted the predicted leaf at the same path
     */
    boolean matches(JsonNode gold, JsonNode predicted);

    /**
     * Canonical equality: numbers compared numerically ({@code 40 == 40.0}), strings after trimming and Unicode
     * NFC normalization, booleans and nulls by value; a number never equals a string.
     */
    static FieldComparator canonical() {
        return FieldComparator::canonicalEquals;
    }

    /** Numbers within {@code absoluteTolerance} of each other match; other values compare canonically. */
    static FieldComparator numericTolerance(double absoluteTolerance) {
        if (!(absoluteTolerance >= 0)) {
            throw new IllegalArgumentException("tolerance must be >= 0, got " + absoluteTolerance);
        }
        BigDecimal tol = BigDecimal.valueOf(absoluteTolerance);
        return (g, p) -> g.isNumber() && p.isNumber()
                ? g.decimalValue().subtract(p.decimalValue()).abs().compareTo(tol) <= 0
                : canonicalEquals(g, p);
    }

    /** Strings equal ignoring case (after trim and NFC); other values compare canonically. */
    static FieldComparator caseInsensitive() {
        return (g, p) -> g.isTextual() && p.isTextual()
                ? normalize(g.textValue()).equalsIgnoreCase(normalize(p.textValue()))
                : canonicalEquals(g, p);
    }

    /** The string normalization canonical equality applies: trim, then NFC. */
    static String normalize(String s) {
        return Normalizer.normalize(s.strip(), Normalizer.Form.NFC);
    }

    private static boolean canonicalEquals(JsonNode g, JsonNode p) {
        if (g.isNumber() && p.isNumber()) {
            return g.decimalValue().compareTo(p.decimalValue()) == 0;
        }
        if (g.isTextual() && p.isTextual()) {
            return normalize(g.textValue()).equals(normalize(p.textValue()));
        }
        if (g.getNodeType() != p.getNodeType()) {
            return false;
        }
        return g.equals(p);
    }
}
