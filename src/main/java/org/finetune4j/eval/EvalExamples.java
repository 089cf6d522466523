package org.finetune4j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.chat.Role;

/** Loads {@link EvalExample}s from OpenAI-style {@code messages} JSON Lines. */
public final class EvalExamples {

    private EvalExamples() {}

    /**
     * Reads one example per non-blank line: {@code {"messages":[...], "meta":{...}}}. The last message must be
     * the assistant's and is the gold answer (it must be valid JSON); the earlier ones are the prompt. The id is
     * {@code meta.id} when present, else {@code line-N}.
     *
     * @param file              the JSONL file
     * @param groupKeysFromMeta keys copied from {@code meta} into {@link EvalExample#groups()}; every line must
     *                          have each of them as a scalar
     * @throws IllegalArgumentException {@code file:line: what is wrong} for the first bad line
     * @throws UncheckedIOException     when the file cannot be read
     */
    public static List<EvalExample> fromJsonl(Path file, String... groupKeysFromMeta) {
        List<EvalExample> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String where = file + ":" + lineNo;
                EvalExample example = parseLine(line, where, lineNo, groupKeysFromMeta);
                if (!ids.add(example.id())) {
                    throw new IllegalArgumentException(where + ": duplicate example id '" + example.id() + "'");
                }
                out.add(example);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read eval examples from " + file, e);
        }
        return out;
    }

    private static EvalExample parseLine(String line, String where, int lineNo, String[] groupKeys) {
        StrictJson.Outcome outcome = StrictJson.parse(line);
        if (outcome instanceof StrictJson.Failed f) {
            throw new IllegalArgumentException(where + ": not valid JSON: " + f.message());
        }
        JsonNode root = ((StrictJson.Parsed) outcome).value();
        if (!root.isObject()) {
            throw new IllegalArgumentException(where + ": expected a JSON object, got " + root.getNodeType());
        }
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new IllegalArgumentException(where + ": missing or empty \"messages\" array");
        }
        List<ChatMessage> turns = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            JsonNode role = m.get("role");
            JsonNode content = m.get("content");
            if (!m.isObject() || role == null || !role.isTextual()) {
                throw new IllegalArgumentException(where + ": messages[" + i + "] has no string \"role\"");
            }
            if (content == null || !content.isTextual()) {
                throw new IllegalArgumentException(where + ": messages[" + i + "] has no string \"content\"");
            }
            Role r;
            try {
                r = Role.parse(role.textValue());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": messages[" + i + "]: " + e.getMessage(), e);
            }
            turns.add(new ChatMessage(r, content.textValue()));
        }
        ChatMessage last = turns.get(turns.size() - 1);
        if (last.role() != Role.ASSISTANT) {
            throw new IllegalArgumentException(where + ": last message must be the assistant's gold answer, got "
                    + last.role().wireName());
        }
        if (turns.size() < 2) {
            throw new IllegalArgumentException(where + ": no prompt before the assistant's answer");
        }
        StrictJson.Outcome gold = StrictJson.parse(last.content().strip());
        if (gold instanceof StrictJson.Failed f) {
            throw new IllegalArgumentException(where + ": gold assistant answer is not valid JSON: " + f.message());
        }

        JsonNode meta = root.get("meta");
        if (meta != null && !meta.isObject() && !meta.isNull()) {
            throw new IllegalArgumentException(where + ": \"meta\" must be an object");
        }
        String id = "line-" + lineNo;
        if (meta != null && meta.hasNonNull("id")) {
            JsonNode idNode = meta.get("id");
            if (!idNode.isValueNode()) {
                throw new IllegalArgumentException(where + ": meta.id must be a string or number");
            }
            id = idNode.asText();
        }
        Map<String, String> groups = new LinkedHashMap<>();
        for (String key : groupKeys) {
            JsonNode v = meta == null ? null : meta.get(key);
            if (v == null || v.isNull() || !v.isValueNode()) {
                throw new IllegalArgumentException(where + ": meta has no scalar \"" + key + "\" (group key)");
            }
            groups.put(key, v.asText());
        }
        return new EvalExample(id, turns.subList(0, turns.size() - 1), last.content(), groups);
    }
}
