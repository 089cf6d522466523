package org.finetune4j.generate.constraint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.finetune4j.io.AtomicFiles;

/**
 * The decoding constraint a model is used with, saved beside it as {@value #FILE_NAME} so that
 * {@code ChatModel.load}, the {@code eval}, {@code chat} and {@code generate} commands and the notebooks answer as
 * the evaluation did: {@code {"type": "json_schema", "copied_fields": ["recipient"], "schema": {…}}}.
 */
public final class SavedDecoding {
    /** The file's name in a model or adapter directory. */
    public static final String FILE_NAME = "decoding.json";
    private static final String JSON_SCHEMA = "json_schema";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SavedDecoding() {
    }

    /**
     * Writes {@code constraint} into {@code dir} (through a temporary file); null removes a file left there by an
     * earlier save, so the directory never claims a constraint its evaluation did not use.
     */
    public static void save(Path dir, JsonSchemaConstraint constraint) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (constraint == null) {
            Files.deleteIfExists(file);
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("type", JSON_SCHEMA);
        constraint.copiedFields().forEach(root.putArray("copied_fields")::add);
        root.set("schema", constraint.schema());
        AtomicFiles.writeString(file, JSON.writeValueAsString(root) + "\n");
    }

    /**
     * The constraint saved in {@code dir}, if it has a {@value #FILE_NAME}.
     *
     * @throws IOException naming the file when it is not valid JSON, has another type, or its schema cannot be
     *                     decoded to
     */
    public static Optional<JsonSchemaConstraint> load(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not a valid decoding file: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": not a valid decoding file: expected a JSON object");
        }
        if (!JSON_SCHEMA.equals(root.path("type").asText(null))) {
            throw new IOException(file + ": unknown decoding type " + root.get("type") + " (known: \"" + JSON_SCHEMA
                    + "\")");
        }
        if (!root.path("schema").isObject()) {
            throw new IOException(file + ": not a valid decoding file: missing 'schema'");
        }
        Set<String> copied = new LinkedHashSet<>();
        JsonNode fields = root.path("copied_fields");
        if (!fields.isMissingNode() && !fields.isArray()) {
            throw new IOException(file + ": 'copied_fields' must be a list of property names");
        }
        fields.forEach(f -> copied.add(f.asText()));
        try {
            return Optional.of(JsonSchemaConstraint.builder().setSchema(root.get("schema")).optCopiedFields(copied)
                    .build());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Copies {@code fromDir}'s saved constraint, if any, to {@code toDir} (a merge keeps it). */
    public static void copy(Path fromDir, Path toDir) throws IOException {
        Optional<JsonSchemaConstraint> c = load(fromDir);
        if (c.isPresent()) {
            save(toDir, c.get());
        }
    }

    /** What {@link #load} will apply, for a log line: "JSON schema, copied [note, provider, recipient]". */
    public static String describe(JsonSchemaConstraint constraint) {
        return "JSON schema" + (constraint.copiedFields().isEmpty() ? "" : ", " + constraint.copiedFields()
                + " copied from the message");
    }
}
