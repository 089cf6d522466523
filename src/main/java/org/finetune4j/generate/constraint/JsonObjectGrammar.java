package org.finetune4j.generate.constraint;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The answers a flat JSON-object schema allows, in the compact form constrained decoding writes: every property in
 * the schema's order, no whitespace outside strings, {@code {"a":1,"b":null}}. Supports {@code type} (one or a list
 * of string, number, integer, boolean, null), {@code enum} / {@code const} of strings and null, {@code pattern},
 * {@code minLength} / {@code maxLength} and a non-negative {@code minimum} / {@code exclusiveMinimum}; conditions
 * across fields ({@code allOf}, {@code if}) are left to the model and to the evaluator's schema check.
 */
public final class JsonObjectGrammar {
    private final List<JsonField> fields;
    private final List<String> literals;

    private JsonObjectGrammar(List<JsonField> fields) {
        this.fields = List.copyOf(fields);
        List<String> lits = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            lits.add((i == 0 ? "{" : ",") + "\"" + new String(JsonStringEncoder.getInstance()
                    .quoteAsString(fields.get(i).name())) + "\":");
        }
        lits.add(fields.isEmpty() ? "{}" : "}");
        this.literals = List.copyOf(lits);
    }

    /**
     * Compiles {@code schema}.
     *
     * @param copiedFields string properties whose values must be copied from the source text (see
     *                     {@link JsonField#copied})
     * @throws IllegalArgumentException naming the property when the schema is not a flat object of supported types,
     *                                  a property is optional, or a copied field is unknown or cannot be a string
     */
    public static JsonObjectGrammar fromSchema(JsonNode schema, Set<String> copiedFields) {
        if (schema == null || !schema.isObject()) {
            throw new IllegalArgumentException("constrained decoding needs a JSON Schema object");
        }
        if (!"object".equals(schema.path("type").asText())) {
            throw new IllegalArgumentException("constrained decoding needs a schema of type object, got "
                    + schema.path("type"));
        }
        JsonNode props = schema.path("properties");
        if (!props.isObject() || props.isEmpty()) {
            throw new IllegalArgumentException("constrained decoding needs an object schema with properties");
        }
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(n -> required.add(n.asText()));
        Set<String> unknownCopied = new LinkedHashSet<>(copiedFields);
        List<JsonField> fields = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (!required.contains(name)) {
                throw new IllegalArgumentException("property '" + name + "' is optional: constrained decoding writes"
                        + " every property, so the schema must list all of them in 'required'");
            }
            boolean copied = unknownCopied.remove(name);
            fields.add(field(name, e.getValue(), copied));
        }
        if (!unknownCopied.isEmpty()) {
            throw new IllegalArgumentException("copied fields " + unknownCopied + " are not properties of the schema"
                    + " (properties: " + fields.stream().map(JsonField::name).toList() + ")");
        }
        return new JsonObjectGrammar(fields);
    }

    private static JsonField field(String name, JsonNode p, boolean copied) {
        Set<JsonValueKind> kinds = EnumSet.noneOf(JsonValueKind.class);
        JsonNode type = p.get("type");
        if (type != null && type.isArray()) {
            type.forEach(t -> kinds.add(JsonValueKind.ofSchemaType(t.asText(), name)));
        } else if (type != null) {
            kinds.add(JsonValueKind.ofSchemaType(type.asText(), name));
        }
        List<String> enumStrings = null;
        JsonNode values = p.has("const") ? p.get("const") : p.get("enum");
        if (values != null) {
            Set<JsonValueKind> enumKinds = EnumSet.noneOf(JsonValueKind.class);
            enumStrings = new ArrayList<>();
            for (JsonNode v : values.isArray() ? values : List.of(values)) {
                if (v.isTextual()) {
                    enumStrings.add(v.asText());
                    enumKinds.add(JsonValueKind.STRING);
                } else if (v.isNull()) {
                    enumKinds.add(JsonValueKind.NULL);
                } else {
                    throw new IllegalArgumentException("property '" + name + "': enum value " + v
                            + " is not supported by constrained decoding (strings and null only)");
                }
            }
            if (kinds.isEmpty()) {
                kinds.addAll(enumKinds);
            } else {
                kinds.retainAll(enumKinds);
            }
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("property '" + name + "' has no type constrained decoding can write"
                    + " (give it a 'type' or an 'enum')");
        }
        if (copied && !kinds.contains(JsonValueKind.STRING)) {
            throw new IllegalArgumentException("property '" + name + "' is copied from the message but is not a"
                    + " string");
        }
        Pattern pattern = null;
        boolean anchored = false;
        if (p.hasNonNull("pattern")) {
            String regex = p.get("pattern").asText();
            anchored = regex.startsWith("^") && regex.endsWith("$") && !regex.endsWith("\\$");
            try {
                // ECMA-262's $ is the end of the input; Java's would also match before a final line break
                pattern = Pattern.compile(anchored ? regex.substring(0, regex.length() - 1) + "\\z" : regex);
            } catch (PatternSyntaxException ex) {
                throw new IllegalArgumentException("property '" + name + "': pattern " + regex
                        + " is not a valid regular expression: " + ex.getDescription(), ex);
            }
        }
        int minLength = p.path("minLength").asInt(0);
        int maxLength = p.has("maxLength") ? p.get("maxLength").asInt() : Integer.MAX_VALUE;
        boolean nonNegative = (p.has("minimum") && p.get("minimum").asDouble() >= 0)
                || (p.has("exclusiveMinimum") && p.get("exclusiveMinimum").asDouble() >= 0);
        return new JsonField(name, kinds, enumStrings, pattern, anchored, minLength, maxLength, nonNegative, copied);
    }

    public List<JsonField> fields() {
        return fields;
    }

    /**
     * The fixed text before value {@code i}: {@code {"name":} for the first, {@code ,"name":} for the others, and
     * {@code }} after the last value ({@code i == fields().size()}).
     */
    public String literal(int i) {
        return literals.get(i);
    }
}
