package org.finetune4j.eval;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * An RFC 8259 parser with Jackson's leniencies switched off: no NaN/Infinity, no comments, no single quotes,
 * no unquoted names, no duplicate keys, nothing after the value. Floats are read as {@link java.math.BigDecimal}
 * so that numeric comparison is exact.
 */
public final class StrictJson {

    /** What a parse attempt produced: a value, or a failure that is either a cut-off or plain garbage. */
    public sealed interface Outcome permits Parsed, Failed {}

    /** The text was exactly one JSON value. */
    public record Parsed(JsonNode value) implements Outcome {}

    /**
     * The text was not one JSON value.
     *
     * @param truncated true when the parser ran out of input inside the value (a cut-off generation)
     * @param message   the parser's explanation, with line and column
     */
    public record Failed(boolean truncated, String message) implements Outcome {}

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .disable(JsonReadFeature.ALLOW_YAML_COMMENTS)
            .disable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .disable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
            .disable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .disable(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS)
            .disable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** Reads the first value only; what follows is checked by {@link #parse} so it can say "trailing". */
    private static final ObjectReader VALUE_READER =
            MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private StrictJson() {}

    /** The shared strict mapper (thread-safe); also used to read gold answers. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Parses {@code text} as exactly one JSON value. A failure while reading the value that is caused by the end
     * of the input is reported as truncated; anything after a complete value is "trailing content", never
     * truncation.
     */
    public static Outcome parse(String text) {
        if (text == null || text.isBlank()) {
            return new Failed(false, "empty completion");
        }
        try (JsonParser parser = MAPPER.createParser(text)) {
            JsonNode value;
            try {
                value = VALUE_READER.readTree(parser);
            } catch (JsonProcessingException e) {
                return new Failed(atEndOfInput(e), e.getOriginalMessage() + " at " + location(e));
            }
            if (value == null || value.isMissingNode()) {
                return new Failed(false, "no JSON value");
            }
            try {
                if (parser.nextToken() != null) {
                    return new Failed(false, "trailing content after the JSON value at "
                            + parser.currentTokenLocation().getLineNr() + ":"
                            + parser.currentTokenLocation().getColumnNr());
                }
            } catch (JsonProcessingException e) {
                return new Failed(false, "trailing content after the JSON value: " + e.getOriginalMessage());
            }
            return new Parsed(value);
        } catch (IOException e) {
            return new Failed(false, e.getMessage());
        }
    }

    /**
     * Jackson signals a cut-off value as {@link JsonEOFException}, except inside arrays ({@code [1, 2,}) where
     * it raises a plain parse error worded "Unexpected end-of-input". A bad token that merely ends the text
     * ({@code nope}) is a parse error, not a cut-off.
     */
    private static boolean atEndOfInput(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        return e instanceof JsonEOFException || (message != null && message.startsWith("Unexpected end-of-input"));
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "?" : e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
    }
}
