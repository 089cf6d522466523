package org.finetune4j.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The JSON Schema (draft 2020-12) of the task's answers, compiled once with networknt's validator.
 *
 * <p>The canonical copy ships on the classpath ({@value #CLASSPATH_RESOURCE}); {@link PaymentDataGenerator}
 * writes it next to the data as {@code schema.json}, so a data directory is self-describing.
 */
public final class PaymentSchema {

    /** Classpath location of the bundled schema. */
    public static final String CLASSPATH_RESOURCE = "/org/finetune4j/task/schema.json";
    /** File name of the schema inside a data directory such as {@code data/task}. */
    public static final String FILE_NAME = "schema.json";

    /** Strict RFC 8259 reader: trailing tokens after the value are an error. */
    static final ObjectMapper STRICT_JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private final String source;
    private final String text;
    private final JsonSchema schema;

    private PaymentSchema(String source, String text) {
        this.source = source;
        this.text = text;
        JsonNode node;
        try {
            node = STRICT_JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new TaskDataException("schema " + source + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new TaskDataException("schema " + source + " is not a JSON object");
        }
        if (!node.has("properties")) {
            throw new TaskDataException("schema " + source + " has no 'properties'; is it the payment schema?");
        }
        try {
            this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(node);
        } catch (RuntimeException e) {
            throw new TaskDataException("schema " + source + " cannot be compiled: " + e.getMessage(), e);
        }
    }

    /** The schema bundled with the library. */
    public static PaymentSchema fromClasspath() {
        try (InputStream in = PaymentSchema.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new TaskDataException("schema classpath resource " + CLASSPATH_RESOURCE + " is missing");
            }
            return new PaymentSchema("classpath:" + CLASSPATH_RESOURCE,
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new TaskDataException("cannot read schema classpath resource " + CLASSPATH_RESOURCE, e);
        }
    }

    /** The schema in {@code dataDir/schema.json} (for example {@code data/task}). */
    public static PaymentSchema fromDataDir(Path dataDir) {
        return load(dataDir.resolve(FILE_NAME));
    }

    /** The schema in {@code file}; a missing or malformed file gives a {@link TaskDataException} naming it. */
    public static PaymentSchema load(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TaskDataException("schema file not found: " + file.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new TaskDataException("cannot read schema file " + file.toAbsolutePath() + ": " + e, e);
        }
        return new PaymentSchema(file.toAbsolutePath().toString(), text);
    }

    /**
     * Validates one answer. Returns the violations (empty when valid); text that is not exactly one JSON value
     * yields a single violation starting with {@code "not JSON"}.
     */
    public List<String> validate(String json) {
        JsonNode node;
        try {
            node = STRICT_JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return List.of("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || node.isMissingNode()) {
            return List.of("not JSON: empty input");
        }
        return validate(node);
    }

    /** Validates an already parsed answer; returns the violations (empty when valid). */
    public List<String> validate(JsonNode answer) {
        Set<ValidationMessage> messages = schema.validate(answer);
        List<String> out = new ArrayList<>(messages.size());
        for (ValidationMessage m : messages) {
            out.add(m.getMessage());
        }
        return out;
    }

    /** True when {@code json} is one JSON object valid against the schema. */
    public boolean isValid(String json) {
        return validate(json).isEmpty();
    }

    /** Where the schema was read from: an absolute path or {@code classpath:/…}. */
    public String source() {
        return source;
    }

    /** The schema document as read. */
    public String text() {
        return text;
    }
}
