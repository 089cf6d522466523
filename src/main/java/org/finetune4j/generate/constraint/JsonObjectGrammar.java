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
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The answers a flat JSON-object schema allows, in the compact form constrained decoding writes: every property in
 * the schema's order, no whitespace outside strings, {@code {"a":1,"b":null}}. Supports {@code type} (one or a list
 * of string, number, integer, boolean, null), {@code enum} / {@code const} of strings and null, {@code pattern},
 * {@code minLength} / {@code maxLength} and a non-negative {@code minimum} / {@code exclusiveMinimum}; and the
 * conditions of {@code allOf} of the form "if an earlier property's value has this {@code const} or {@code type},
 * then (else) later properties have these {@code type}s" ({@link Condition}), which decide a later field's type as
 * soon as the earlier value is written. Other conditions are left to the model and the evaluator's schema check.
 */
public final class JsonObjectGrammar {
    /** At most this many conditions are followed: each takes two bits of a cursor's facts. */
    static final int MAX_CONDITIONS = 15;

    /**
     * {@code if} the value of property {@code ifField} passes the test (equals {@code constValue}, or is of one of
     * {@code ifKinds}), the properties of {@code then} may only take their kinds, else those of {@code otherwise}.
     */
    record Condition(int ifField, String constValue, Set<JsonValueKind> ifKinds,
            Map<Integer, Set<JsonValueKind>> then, Map<Integer, Set<JsonValueKind>> otherwise) {
        boolean test(Set<JsonValueKind> kinds, String value) {
            if (constValue != null) {
                return kinds.contains(JsonValueKind.STRING) && constValue.equals(value);
            }
            return kinds.stream().anyMatch(ifKinds::contains);
        }
    }

    private final List<JsonField> fields;
    private final List<String> literals;
    private final List<Condition> conditions;

    private JsonObjectGrammar(List<JsonField> fields, List<Condition> conditions) {
        this.fields = List.copyOf(fields);
        this.conditions = List.copyOf(conditions);
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
        return new JsonObjectGrammar(fields, conditions(schema.path("allOf"), fields));
    }

    /** The supported conditions of {@code allOf}, in order; the others are skipped. */
    private static List<Condition> conditions(JsonNode allOf, List<JsonField> fields) {
        List<String> names = fields.stream().map(JsonField::name).toList();
        List<Condition> out = new ArrayList<>();
        for (JsonNode entry : allOf) {
            JsonNode ifProps = entry.path("if").path("properties");
            if (!ifProps.isObject() || ifProps.size() != 1 || out.size() == MAX_CONDITIONS) {
                continue;
            }
            String ifName = ifProps.fieldNames().next();
            int ifField = names.indexOf(ifName);
            JsonNode test = ifProps.get(ifName);
            if (test.size() != 1) { // a test of several keywords is more than this grammar can follow
                continue;
            }
            String constValue = test.path("const").isTextual() ? test.get("const").asText() : null;
            Set<JsonValueKind> ifKinds = constValue == null ? kinds(test.get("type"), ifName) : null;
            if (ifField < 0 || (constValue == null && ifKinds == null)) {
                continue;
            }
            Map<Integer, Set<JsonValueKind>> then = typeMap(entry.path("then"), names, ifField);
            Map<Integer, Set<JsonValueKind>> otherwise = typeMap(entry.path("else"), names, ifField);
            if (then != null && otherwise != null && !(then.isEmpty() && otherwise.isEmpty())) {
                out.add(new Condition(ifField, constValue, ifKinds, then, otherwise));
            }
        }
        return out;
    }

    /**
     * The {@code type}s a {@code then} or {@code else} gives to properties after {@code ifField}; null when it says
     * anything this grammar cannot follow (it is then left to the model whole).
     */
    private static Map<Integer, Set<JsonValueKind>> typeMap(JsonNode branch, List<String> names, int ifField) {
        Map<Integer, Set<JsonValueKind>> out = new TreeMap<>();
        if (branch.isMissingNode()) {
            return out;
        }
        JsonNode props = branch.path("properties");
        if (!props.isObject() || branch.size() != 1) {
            return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int field = names.indexOf(e.getKey());
            Set<JsonValueKind> kinds = e.getValue().size() == 1 ? kinds(e.getValue().get("type"), e.getKey()) : null;
            if (field <= ifField || kinds == null) {
                return null;
            }
            out.put(field, kinds);
        }
        return out;
    }

    private static Set<JsonValueKind> kinds(JsonNode type, String property) {
        if (type == null) {
            return null;
        }
        Set<JsonValueKind> kinds = EnumSet.noneOf(JsonValueKind.class);
        try {
            for (JsonNode t : type.isArray() ? type : List.of(type)) {
                kinds.add(JsonValueKind.ofSchemaType(t.asText(), property));
            }
        } catch (IllegalArgumentException e) {
            return null; // an object or array type: the condition is left to the model
        }
        return kinds;
    }

    /** The conditions followed, in {@code allOf} order. */
    public List<Condition> conditions() {
        return conditions;
    }

    /**
     * {@code facts} after the value of property {@code field}, of {@code kinds}, was written as {@code value}: for
     * each condition on that property, bit 2i says it is decided and bit 2i+1 that its test passed.
     */
    int decide(int field, Set<JsonValueKind> kinds, String value, int facts) {
        for (int i = 0; i < conditions.size(); i++) {
            Condition c = conditions.get(i);
            if (c.ifField() == field) {
                facts |= 1 << (2 * i);
                if (c.test(kinds, value)) {
                    facts |= 1 << (2 * i + 1);
                }
            }
        }
        return facts;
    }

    /** Whether the conditions decided in {@code facts} let property {@code field} take a value of {@code kind}. */
    boolean allows(int field, JsonValueKind kind, int facts) {
        for (int i = 0; i < conditions.size(); i++) {
            if ((facts & (1 << (2 * i))) == 0) {
                continue;
            }
            Condition c = conditions.get(i);
            Set<JsonValueKind> kinds = ((facts & (1 << (2 * i + 1))) != 0 ? c.then() : c.otherwise()).get(field);
            if (kinds != null && !kinds.contains(kind)
                    && !(kind == JsonValueKind.INTEGER && kinds.contains(JsonValueKind.NUMBER))
                    && !(kind == JsonValueKind.NUMBER && kinds.contains(JsonValueKind.INTEGER))) {
                return false;
            }
        }
        return true;
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
        boolean positive = p.has("exclusiveMinimum") && p.get("exclusiveMinimum").asDouble() >= 0;
        boolean nonNegative = positive || (p.has("minimum") && p.get("minimum").asDouble() >= 0);
        return new JsonField(name, kinds, enumStrings, pattern, anchored, minLength, maxLength, nonNegative, positive,
                copied);
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
