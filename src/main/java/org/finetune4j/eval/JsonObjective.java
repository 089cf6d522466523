package org.finetune4j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A JSON-output task: the JSON Schema answers must satisfy, how answers are extracted from completions, and how
 * field values are compared. Generic over any schema (draft 2020-12, validated with networknt).
 *
 * <pre>{@code
 * JsonObjective objective = JsonObjective.builder()
 *         .setSchema(Path.of("payments.schema.json"))
 *         .optExtraction(JsonExtraction.LENIENT)
 *         .optFieldComparator("amount", FieldComparator.numericTolerance(0.005))
 *         .build();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class JsonObjective {

    private static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private final String schemaSource;
    private final JsonNode schemaNode;
    private final JsonSchema schema;
    private final JsonExtraction extraction;
    private final MissingFieldPolicy missingFieldPolicy;
    private final Map<String, FieldComparator> comparators;

    private JsonObjective(Builder b, String source, JsonNode schemaNode, JsonSchema schema) {
        this.schemaSource = source;
        this.schemaNode = schemaNode;
        this.schema = schema;
        this.extraction = b.extraction;
        this.missingFieldPolicy = b.missingFieldPolicy;
        this.comparators = Map.copyOf(b.comparators);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where the schema came from: the file path, or {@code <inline schema>}. */
    public String schemaSource() {
        return schemaSource;
    }

    /** The schema document (a defensive copy). */
    public JsonNode schemaNode() {
        return schemaNode.deepCopy();
    }

    public JsonExtraction extraction() {
        return extraction;
    }

    public MissingFieldPolicy missingFieldPolicy() {
        return missingFieldPolicy;
    }

    /** The comparator for a field name ({@code items[].price}); canonical equality unless one was set. */
    public FieldComparator comparatorFor(String field) {
        return comparators.getOrDefault(field, FieldComparator.canonical());
    }

    /** Schema errors for {@code value}, sorted for stable output; empty when valid. */
    public List<String> schemaErrors(JsonNode value) {
        return validate(value).stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    private List<ValidationMessage> validate(JsonNode value) {
        List<ValidationMessage> messages = new ArrayList<>(schema.validate(value));
        messages.sort(Comparator.comparing(ValidationMessage::getMessage));
        return messages;
    }

    /**
     * Parses a gold answer strictly and checks it against the schema; a gold answer that fails either is a data
     * error, reported with {@code where} (an example id or {@code file:line}).
     */
    public JsonNode parseGold(String gold, String where) {
        StrictJson.Outcome outcome = StrictJson.parse(gold == null ? "" : gold.strip());
        if (outcome instanceof StrictJson.Failed f) {
            throw new IllegalArgumentException(where + ": gold answer is not valid JSON: " + f.message());
        }
        JsonNode value = ((StrictJson.Parsed) outcome).value();
        List<String> errors = schemaErrors(value);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(where + ": gold answer does not satisfy the schema "
                    + schemaSource + ": " + String.join("; ", errors));
        }
        return value;
    }

    /** Scores {@code completion} against a gold answer given as JSON text (parsed with {@link #parseGold}). */
    public AnswerScore score(String completion, String gold) {
        return score(completion, parseGold(gold, "gold"));
    }

    /** Scores {@code completion} against an already parsed gold answer. */
    public AnswerScore score(String completion, JsonNode gold) {
        Map<String, JsonLeaf> goldLeaves = JsonPaths.flatten(gold);
        StrictJson.Outcome outcome = StrictJson.parse(extraction.candidate(completion));
        if (outcome instanceof StrictJson.Failed failed) {
            Map<String, Boolean> allWrong = new LinkedHashMap<>();
            goldLeaves.keySet().forEach(p -> allWrong.put(p, false));
            return new AnswerScore(false, failed.message(), false, List.of(), Set.of(), false, allWrong, goldLeaves, Map.of(),
                    failed.truncated() ? ErrorCategory.TRUNCATED : ErrorCategory.NOT_JSON, null);
        }
        JsonNode prediction = ((StrictJson.Parsed) outcome).value();

        List<ValidationMessage> messages = validate(prediction);
        Set<SchemaViolation> violations = EnumSet.noneOf(SchemaViolation.class);
        List<String> errors = new ArrayList<>();
        for (ValidationMessage m : messages) {
            violations.add(SchemaViolation.fromKeyword(m.getType()));
            errors.add(m.getMessage());
        }

        Map<String, JsonLeaf> predicted = applyPolicy(goldLeaves, JsonPaths.flatten(prediction));
        Map<String, Boolean> correct = new LinkedHashMap<>();
        boolean allCorrect = true;
        for (JsonLeaf g : goldLeaves.values()) {
            JsonLeaf p = predicted.get(g.path());
            boolean ok = p != null && comparatorFor(g.field()).matches(g.value(), p.value());
            correct.put(g.path(), ok);
            allCorrect &= ok;
        }
        // all gold paths matched ⇒ gold ⊆ predicted, so equal sizes mean no extra predicted pair
        boolean exact = allCorrect && predicted.size() == goldLeaves.size();
        ErrorCategory category = !messages.isEmpty() ? ErrorCategory.SCHEMA_INVALID
                : exact ? ErrorCategory.CORRECT : ErrorCategory.WRONG_VALUE;
        return new AnswerScore(true, null, messages.isEmpty(), errors, violations, exact, correct, goldLeaves, predicted,
                category, prediction);
    }

    private Map<String, JsonLeaf> applyPolicy(Map<String, JsonLeaf> gold, Map<String, JsonLeaf> predicted) {
        if (missingFieldPolicy == MissingFieldPolicy.MISSING_IS_WRONG) {
            return predicted;
        }
        Map<String, JsonLeaf> out = new LinkedHashMap<>();
        predicted.forEach((path, leaf) -> {
            if (!(leaf.value().isNull() && !gold.containsKey(path))) {
                out.put(path, leaf);
            }
        });
        gold.forEach((path, leaf) -> {
            if (leaf.value().isNull() && !out.containsKey(path)) {
                out.put(path, new JsonLeaf(path, leaf.field(), NullNode.getInstance()));
            }
        });
        return out;
    }

    /** Builds a {@link JsonObjective}; {@link #setSchema} is required. */
    public static final class Builder {
        private Path schemaPath;
        private String schemaText;
        private JsonExtraction extraction = JsonExtraction.STRICT;
        private MissingFieldPolicy missingFieldPolicy = MissingFieldPolicy.MISSING_IS_WRONG;
        private final Map<String, FieldComparator> comparators = new LinkedHashMap<>();

        private Builder() {}

        /** The schema file (JSON, draft 2020-12). */
        public Builder setSchema(Path schemaFile) {
            this.schemaPath = Objects.requireNonNull(schemaFile, "schemaFile");
            this.schemaText = null;
            return this;
        }

        /** The schema as JSON text (draft 2020-12). */
        public Builder setSchema(String schemaJson) {
            this.schemaText = Objects.requireNonNull(schemaJson, "schemaJson");
            this.schemaPath = null;
            return this;
        }

        /** How answers are cut out of completions; default {@link JsonExtraction#STRICT}. */
        public Builder optExtraction(JsonExtraction extraction) {
            this.extraction = Objects.requireNonNull(extraction, "extraction");
            return this;
        }

        /** Missing key vs explicit null; default {@link MissingFieldPolicy#MISSING_IS_WRONG}. */
        public Builder optMissingFieldPolicy(MissingFieldPolicy policy) {
            this.missingFieldPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Compares the values of one field with {@code comparator} instead of canonical equality.
         *
         * @param field a field name as {@link JsonLeaf#field()} spells it: {@code amount}, {@code payee.iban},
         *              {@code items[].price} (array indices erased)
         */
        public Builder optFieldComparator(String field, FieldComparator comparator) {
            comparators.put(Objects.requireNonNull(field, "field"), Objects.requireNonNull(comparator, "comparator"));
            return this;
        }

        /**
         * @throws IllegalArgumentException when the schema is missing, is not JSON, or is not a valid draft
         *                                  2020-12 schema; the message names the file
         */
        public JsonObjective build() {
            if (schemaPath == null && schemaText == null) {
                throw new IllegalStateException("JsonObjective needs a schema: call setSchema(Path or String)");
            }
            String source = schemaPath != null ? schemaPath.toString() : "<inline schema>";
            String text = schemaText;
            if (schemaPath != null) {
                try {
                    text = Files.readString(schemaPath);
                } catch (NoSuchFileException e) {
                    throw new IllegalArgumentException("JSON schema file not found: " + source, e);
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read JSON schema file " + source + ": " + e, e);
                }
            }
            StrictJson.Outcome parsed = StrictJson.parse(text);
            if (parsed instanceof StrictJson.Failed f) {
                throw new IllegalArgumentException("JSON schema " + source + " is not valid JSON: " + f.message());
            }
            JsonNode node = ((StrictJson.Parsed) parsed).value();
            if (!node.isObject() && !node.isBoolean()) {
                throw new IllegalArgumentException("JSON schema " + source + " must be an object or a boolean, got "
                        + node.getNodeType());
            }
            List<String> metaErrors = FACTORY.getSchema(SchemaLocation.of(META_SCHEMA)).validate(node).stream()
                    .map(ValidationMessage::getMessage).sorted().toList();
            if (!metaErrors.isEmpty()) {
                throw new IllegalArgumentException("JSON schema " + source + " is not a valid draft 2020-12 schema: "
                        + String.join("; ", metaErrors));
            }
            JsonSchema schema;
            try {
                schema = FACTORY.getSchema(node);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("JSON schema " + source + " cannot be compiled: " + e.getMessage(), e);
            }
            return new JsonObjective(this, source, node, schema);
        }
    }

    @Override
    public String toString() {
        return "JsonObjective[schema=" + schemaSource + ", extraction=" + extraction + ", missing="
                + missingFieldPolicy + ", comparators=" + comparators.keySet() + "]";
    }
}
