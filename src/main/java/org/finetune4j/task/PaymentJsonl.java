package org.finetune4j.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Reads and writes the task's OpenAI-messages JSONL files (JSON variant: system, user, assistant = gold JSON,
 * plus {@code meta}). Errors name the file and line.
 */
public final class PaymentJsonl {

    private PaymentJsonl() {
    }

    /**
     * Reads a JSON-variant file back into samples (the prose answer is recomputed from the gold).
     *
     * @throws TaskDataException naming the file (and line) when it is missing or malformed
     */
    public static List<PaymentSample> read(Path file) {
        return readLines(file, PaymentJsonl::parseLine);
    }

    /**
     * Reads a plain-text corpus file of {@code {"text": "…"}} lines (the pretraining transaction logs).
     *
     * @throws TaskDataException naming the file (and line) when it is missing or malformed
     */
    public static List<String> readTexts(Path file) {
        return readLines(file, PaymentJsonl::parseTextLine);
    }

    /** One {@code {"text": …}} line of a corpus file. */
    static String textLine(String text) {
        return PaymentSchema.STRICT_JSON.createObjectNode().put("text", text).toString();
    }

    /** Every non-blank line of {@code file} through {@code parse}; a failure names the file and line. */
    private static <T> List<T> readLines(Path file, Function<String, T> parse) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TaskDataException("data file not found: " + file.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new TaskDataException("cannot read data file " + file.toAbsolutePath() + ": " + e, e);
        }
        List<T> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(parse.apply(line));
            } catch (RuntimeException e) {
                throw new TaskDataException(file.toAbsolutePath() + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static String parseTextLine(String line) {
        JsonNode text;
        try {
            text = PaymentSchema.STRICT_JSON.readTree(line).get("text");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (text == null || !text.isTextual()) {
            throw new IllegalArgumentException("needs a string field \"text\"");
        }
        return text.asText();
    }

    /** Parses one JSON-variant line. */
    static PaymentSample parseLine(String line) {
        JsonNode root;
        try {
            root = PaymentSchema.STRICT_JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode messages = root.path("messages");
        if (!messages.isArray() || messages.size() != 3) {
            throw new IllegalArgumentException("'messages' must be an array of system, user and assistant turns");
        }
        String[] roles = {"system", "user", "assistant"};
        for (int k = 0; k < 3; k++) {
            if (!roles[k].equals(messages.get(k).path("role").asText())
                    || !messages.get(k).path("content").isTextual()) {
                throw new IllegalArgumentException("message " + k + " must be a " + roles[k] + " turn with text content");
            }
        }
        JsonNode meta = root.path("meta");
        Language language = Language.valueOf(meta.path("language").asText("?").toUpperCase(Locale.ROOT));
        Split split = Split.valueOf(meta.path("split").asText("?").toUpperCase(Locale.ROOT));
        String template = meta.path("template").asText("");
        PaymentRequest gold = PaymentRequest.fromJson(messages.get(2).get("content").asText());
        if (!gold.intent().wireName().equals(meta.path("intent").asText())) {
            throw new IllegalArgumentException("meta.intent '" + meta.path("intent").asText()
                    + "' differs from the gold intent '" + gold.intent().wireName() + "'");
        }
        return new PaymentSample(split, template, language,
                TaskPrompts.referenceDate(messages.get(0).get("content").asText()),
                messages.get(1).get("content").asText(), gold, ProseAnswers.confirm(gold, language));
    }

    /** Writes lines (LF-terminated, UTF-8) to a temporary file next to {@code file}, then renames it atomically. */
    public static void writeLines(Path file, List<String> lines) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            StringBuilder sb = new StringBuilder();
            for (String l : lines) {
                sb.append(l).append('\n');
            }
            Files.writeString(tmp, sb, StandardCharsets.UTF_8);
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                // temp files are created owner-only; data files are meant to be shared
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
