package org.finetune4j.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.chat.Role;

/**
 * Reads chat training data from JSON Lines files (UTF-8, one object per line; blank lines are ignored)
 * in any {@link DatasetFormat}, converting every line to the OpenAI {@code messages} form and
 * checking it with {@link ConversationValidator}.
 *
 * <p>Every problem is reported as {@code file:line: what is wrong}; {@link BadLinePolicy} decides
 * whether the first one stops the read or bad lines are counted and left out.
 */
public final class ChatDatasetReader {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final DatasetFormat format;
    private final BadLinePolicy badLinePolicy;
    private final ShareGptTags tags;

    private ChatDatasetReader(Builder b) {
        this.format = b.format;
        this.badLinePolicy = b.badLinePolicy;
        this.tags = b.tags;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads {@code file}.
     *
     * @throws DatasetException under {@link BadLinePolicy#FAIL} at the first bad line ({@code file:line: ...}),
     *     and always when the format cannot be detected from the first non-blank line
     * @throws IOException when the file cannot be read
     */
    public ReadResult read(Path file) throws IOException {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        List<TrainingConversation> conversations = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        int skipped = 0;
        int lineNo = 0;
        DatasetFormat fileFormat = format;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            byte[] line;
            while ((line = nextLine(in)) != null) {
                lineNo++;
                String source = name + ":" + lineNo;
                try {
                    String text = decodeUtf8(line, lineNo == 1);
                    if (text.isBlank()) {
                        continue;
                    }
                    JsonNode node = parseJson(text);
                    if (fileFormat == null) {
                        fileFormat = DatasetFormat.detect(node, tags).orElseThrow(() -> new DatasetException(source
                                + ": cannot detect the dataset format: expected a \"messages\" (OpenAI), \""
                                + tags.messagesKey() + "\" (ShareGPT) or \"instruction\" (Alpaca) key"));
                    }
                    TrainingConversation conversation = convert(node, fileFormat, source);
                    String problem = ConversationValidator.problem(conversation).orElse(null);
                    if (problem != null) {
                        throw new BadLine(problem);
                    }
                    conversations.add(conversation);
                } catch (BadLine e) {
                    String message = source + ": " + e.getMessage();
                    if (badLinePolicy == BadLinePolicy.FAIL) {
                        throw new DatasetException(message);
                    }
                    skipped++;
                    if (reasons.size() < ReadReport.MAX_REASONS) {
                        reasons.add(message);
                    }
                }
            }
        }
        if (fileFormat == null) {
            throw new DatasetException(name + ": no data (the file has no non-blank line)");
        }
        return new ReadResult(conversations, new ReadReport(name, fileFormat, lineNo, conversations.size(), skipped, reasons));
    }

    /**
     * Converts one parsed line (without validating it).
     *
     * @throws DatasetException naming {@code source} when the object does not have the format's shape
     */
    public TrainingConversation parse(JsonNode line, DatasetFormat lineFormat, String source) {
        try {
            return convert(line, lineFormat, source);
        } catch (BadLine e) {
            throw new DatasetException(source + ": " + e.getMessage());
        }
    }

    private TrainingConversation convert(JsonNode node, DatasetFormat lineFormat, String source) {
        if (!node.isObject()) {
            throw new BadLine("expected a JSON object, found " + describe(node));
        }
        return switch (lineFormat) {
            case OPENAI_MESSAGES -> openAi(node, source);
            case SHAREGPT -> shareGpt(node, source);
            case ALPACA -> alpaca(node, source);
        };
    }

    private static TrainingConversation openAi(JsonNode node, String source) {
        JsonNode list = node.get("messages");
        if (list == null || !list.isArray()) {
            throw new BadLine("\"messages\" is " + (list == null ? "missing" : describe(list)) + "; expected an array");
        }
        List<ChatMessage> messages = new ArrayList<>();
        Set<Integer> excluded = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) {
                throw new BadLine(where + " is " + describe(m) + "; expected an object");
            }
            Role role = role(m.get("role"), where);
            String content = content(m.get("content"), where);
            JsonNode weight = m.get("weight");
            if (weight != null && !weight.isNull()) {
                if (role != Role.ASSISTANT) {
                    throw new BadLine(where + ": \"weight\" is only allowed on assistant messages");
                }
                if (!weight.isNumber() || (weight.asDouble() != 0 && weight.asDouble() != 1)) {
                    throw new BadLine(where + ": \"weight\" must be 0 or 1, found " + weight);
                }
                if (weight.asDouble() == 0) {
                    excluded.add(i);
                }
            }
            messages.add(new ChatMessage(role, content));
        }
        return new TrainingConversation(new Conversation(messages, meta(node, Set.of("messages")), source), excluded);
    }

    private TrainingConversation shareGpt(JsonNode node, String source) {
        JsonNode list = node.get(tags.messagesKey());
        if (list == null || !list.isArray()) {
            throw new BadLine("\"" + tags.messagesKey() + "\" is " + (list == null ? "missing" : describe(list))
                    + "; expected an array");
        }
        List<ChatMessage> messages = new ArrayList<>();
        JsonNode system = node.get("system");
        if (system != null && !system.isNull()) {
            if (!system.isTextual()) {
                throw new BadLine("\"system\" is " + describe(system) + "; expected a string");
            }
            if (!system.asText().isEmpty()) {
                messages.add(ChatMessage.system(system.asText()));
            }
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            String where = tags.messagesKey() + "[" + i + "]";
            if (!m.isObject()) {
                throw new BadLine(where + " is " + describe(m) + "; expected an object");
            }
            JsonNode from = m.get(tags.roleTag());
            if (from == null || !from.isTextual()) {
                throw new BadLine(where + ": \"" + tags.roleTag() + "\" is " + (from == null ? "missing" : describe(from))
                        + "; expected a string");
            }
            String tag = from.asText();
            Role role;
            if (tag.equals(tags.userTag())) {
                role = Role.USER;
            } else if (tag.equals(tags.assistantTag()) || tag.equals(tags.functionCallTag())) {
                role = Role.ASSISTANT;
            } else if (tag.equals(tags.systemTag())) {
                role = Role.SYSTEM;
            } else if (tag.equals(tags.observationTag())) {
                role = Role.TOOL;
            } else {
                throw new BadLine(where + ": unknown speaker '" + tag + "'; expected one of " + tags.userTag() + ", "
                        + tags.assistantTag() + ", " + tags.systemTag() + ", " + tags.observationTag() + ", "
                        + tags.functionCallTag());
            }
            if (role == Role.SYSTEM && !messages.isEmpty() && i == 0 && messages.get(0).role() == Role.SYSTEM) {
                throw new BadLine(where + ": a system turn and a top-level \"system\" key both given");
            }
            messages.add(new ChatMessage(role, content(m.get(tags.contentTag()), where)));
        }
        return TrainingConversation.allAssistantTurns(
                new Conversation(messages, meta(node, Set.of(tags.messagesKey(), "system")), source));
    }

    private static TrainingConversation alpaca(JsonNode node, String source) {
        String instruction = requiredText(node, "instruction");
        String input = optionalText(node, "input");
        String output = requiredText(node, "output");
        String system = optionalText(node, "system");
        List<ChatMessage> messages = new ArrayList<>();
        if (!system.isEmpty()) {
            messages.add(ChatMessage.system(system));
        }
        JsonNode history = node.get("history");
        if (history != null && !history.isNull()) {
            if (!history.isArray()) {
                throw new BadLine("\"history\" is " + describe(history) + "; expected an array of [question, answer] pairs");
            }
            for (int i = 0; i < history.size(); i++) {
                JsonNode pair = history.get(i);
                if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual() || !pair.get(1).isTextual()) {
                    throw new BadLine("history[" + i + "] is not a [question, answer] pair of strings");
                }
                messages.add(ChatMessage.user(pair.get(0).asText()));
                messages.add(ChatMessage.assistant(pair.get(1).asText()));
            }
        }
        messages.add(ChatMessage.user(input.isEmpty() ? instruction : instruction + "\n" + input));
        messages.add(ChatMessage.assistant(output));
        return TrainingConversation.allAssistantTurns(new Conversation(messages,
                meta(node, Set.of("instruction", "input", "output", "system", "history")), source));
    }

    private static String requiredText(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isTextual()) {
            throw new BadLine("\"" + key + "\" is " + (v == null ? "missing" : describe(v)) + "; expected a string");
        }
        return v.asText();
    }

    private static String optionalText(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return "";
        }
        if (!v.isTextual()) {
            throw new BadLine("\"" + key + "\" is " + describe(v) + "; expected a string");
        }
        return v.asText();
    }

    private static Role role(JsonNode role, String where) {
        if (role == null || !role.isTextual()) {
            throw new BadLine(where + ": \"role\" is " + (role == null ? "missing" : describe(role)) + "; expected a string");
        }
        try {
            return Role.parse(role.asText());
        } catch (IllegalArgumentException e) {
            throw new BadLine(where + ": " + e.getMessage());
        }
    }

    /** A string, or an array of {@code {"type": "text", "text": ...}} parts joined without separator. */
    private static String content(JsonNode content, String where) {
        if (content == null || content.isNull()) {
            throw new BadLine(where + ": content is missing");
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw new BadLine(where + ": only text content parts are supported, found " + part);
                }
                sb.append(part.get("text").asText());
            }
            return sb.toString();
        }
        throw new BadLine(where + ": content is " + describe(content) + "; expected a string");
    }

    private static Map<String, String> meta(JsonNode node, Set<String> consumed) {
        Map<String, String> meta = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!consumed.contains(e.getKey()) && !e.getValue().isNull()) {
                meta.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
            }
        }
        return meta;
    }

    private static JsonNode parseJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadLine("not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr()));
        }
    }

    private static String describe(JsonNode node) {
        return node.isNull() ? "null" : "a" + (node.isArray() || node.isObject() ? "n " : " ")
                + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Strict UTF-8 (malformed bytes are a bad line, not silently replaced); drops a BOM on line 1. */
    private static String decodeUtf8(byte[] line, boolean first) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line)).toString();
            return first && s.startsWith("\uFEFF") ? s.substring(1) : s;
        } catch (CharacterCodingException e) {
            throw new BadLine("not valid UTF-8");
        }
    }

    /** The bytes of the next line without its LF (and a CR before it), or null at the end. */
    private static byte[] nextLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
        int b;
        boolean any = false;
        while ((b = in.read()) != -1) {
            any = true;
            if (b == '\n') {
                break;
            }
            buf.write(b);
        }
        if (!any) {
            return null;
        }
        byte[] bytes = buf.toByteArray();
        int n = bytes.length;
        return n > 0 && bytes[n - 1] == '\r' ? java.util.Arrays.copyOf(bytes, n - 1) : bytes;
    }

    /** One line's problem, before the {@code file:line:} prefix is known to be added. */
    private static final class BadLine extends RuntimeException {
        BadLine(String message) {
            super(message, null, false, false);
        }
    }

    /** Options of a {@link ChatDatasetReader}. */
    public static final class Builder {
        private DatasetFormat format;
        private BadLinePolicy badLinePolicy = BadLinePolicy.FAIL;
        private ShareGptTags tags = ShareGptTags.defaults();

        private Builder() {}

        /** Read every line as {@code format} (default: detected from the first non-blank line). */
        public Builder optFormat(DatasetFormat format) {
            this.format = format;
            return this;
        }

        /** Default {@link BadLinePolicy#FAIL}. */
        public Builder optBadLinePolicy(BadLinePolicy policy) {
            this.badLinePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Key and speaker names for ShareGPT files (default {@link ShareGptTags#defaults()}). */
        public Builder optShareGptTags(ShareGptTags tags) {
            this.tags = Objects.requireNonNull(tags, "tags");
            return this;
        }

        public ChatDatasetReader build() {
            return new ChatDatasetReader(this);
        }
    }
}
