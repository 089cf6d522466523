package org.finetune4j.eval;

import java.util.Locale;

/** Sub-kinds of {@link ErrorCategory#SCHEMA_INVALID}, from the JSON Schema keyword that failed. */
public enum SchemaViolation {
    /** {@code required}: a required property is absent. */
    MISSING_FIELD,
    /** {@code additionalProperties} / {@code unevaluatedProperties}: a property the schema does not allow. */
    EXTRA_FIELD,
    /** {@code type}: e.g. an amount given as a string. */
    WRONG_TYPE,
    /** {@code enum} / {@code const}: a value outside the allowed set. */
    ENUM_VIOLATION,
    /** Any other keyword: {@code pattern}, {@code minimum}, {@code maxLength}, {@code format}, combinators, … */
    OTHER_CONSTRAINT;

    /** Maps a networknt validation message type (the failing keyword) to a violation kind. */
    public static SchemaViolation fromKeyword(String keyword) {
        switch (keyword == null ? "" : keyword.toLowerCase(Locale.ROOT)) {
            case "required":
                return MISSING_FIELD;
            case "additionalproperties":
            case "unevaluatedproperties":
                return EXTRA_FIELD;
            case "type":
                return WRONG_TYPE;
            case "enum":
            case "const":
                return ENUM_VIOLATION;
            default:
                return OTHER_CONSTRAINT;
        }
    }
}
