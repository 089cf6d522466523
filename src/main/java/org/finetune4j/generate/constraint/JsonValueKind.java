package org.finetune4j.generate.constraint;

/** The JSON Schema types a constrained value may take. */
public enum JsonValueKind {
    STRING, NUMBER, INTEGER, BOOLEAN, NULL;

    /** The kind of a schema {@code type} name. */
    static JsonValueKind ofSchemaType(String type, String property) {
        return switch (type) {
            case "string" -> STRING;
            case "number" -> NUMBER;
            case "integer" -> INTEGER;
            case "boolean" -> BOOLEAN;
            case "null" -> NULL;
            default -> throw new IllegalArgumentException("property '" + property + "': type '" + type
                    + "' is not supported by constrained decoding (flat objects of strings, numbers, booleans and"
                    + " null only)");
        };
    }
}
