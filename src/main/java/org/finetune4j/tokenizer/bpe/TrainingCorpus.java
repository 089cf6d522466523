package org.finetune4j.tokenizer.bpe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.chat.Role;

/**
 * Reads tokenizer training text from files: {@code .txt} files give one text per non-blank line;
 * {@code .jsonl} files hold one OpenAI-style {@code {"messages": [{"role", "content"}, …]}} object
 * per line and give every message content plus the whole conversation rendered as ChatML, so that
 * the turn structure's whitespace and newlines are learned too.
 */
final class TrainingCorpus {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TrainingCorpus() {}

    static List<String> read(List<Path> files) throws IOException {
        List<String> texts = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".jsonl")) {
                readJsonl(f, texts);
            } else if (name.endsWith(".txt")) {
                readText(f, texts);
            } else {
                throw new IllegalArgumentException("corpus file " + f + ": expected a .jsonl or .txt file");
            }
        }
        return texts;
    }

    private static void readText(Path f, List<String> texts) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    texts.add(line);
                }
            }
        }
    }

    private static void readJsonl(Path f, List<String> texts) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                List<ChatMessage> messages = parseMessages(line, f, lineNo);
                for (ChatMessage m : messages) {
                    texts.add(m.content());
                }
                texts.add(renderChatMl(messages));
            }
        }
    }

    private static List<ChatMessage> parseMessages(String line, Path f, int lineNo) {
        JsonNode root;
        try {
            root = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(f + ":" + lineNo + ": invalid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode msgs = root == null ? null : root.get("messages");
        if (msgs == null || !msgs.isArray()) {
            throw new IllegalArgumentException(f + ":" + lineNo + ": expected an object with a \"messages\" array");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < msgs.size(); i++) {
            JsonNode m = msgs.get(i);
            JsonNode role = m.get("role");
            JsonNode content = m.get("content");
            if (role == null || !role.isTextual() || content == null || !content.isTextual()) {
                throw new IllegalArgumentException(f + ":" + lineNo + ": message " + i + " needs string \"role\" and \"content\"");
            }
            try {
                out.add(new ChatMessage(Role.parse(role.asText()), content.asText()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(f + ":" + lineNo + ": message " + i + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The conversation as {@link TokenizerFiles#CHATML_TEMPLATE} renders it (no generation prompt). */
    static String renderChatMl(List<ChatMessage> messages) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            sb.append("<|im_start|>").append(m.role().wireName()).append('\n')
                    .append(m.content()).append("<|im_end|>").append('\n');
        }
        return sb.toString();
    }
}
