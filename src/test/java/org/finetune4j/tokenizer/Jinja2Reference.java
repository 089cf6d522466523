package org.finetune4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.finetune4j.chat.ChatMessage;

/** Renders chat templates with the real Python Jinja2 (render_jinja2.py) as an independent reference. */
final class Jinja2Reference {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Boolean available;

    private Jinja2Reference() {}

    /** The outcome of a Python render: the output, or the message of the exception it raised. */
    record Rendered(String output, String error) {}

    /** Interpreters tried in order: the one on PATH, then Debian's (where python3-jinja2 installs). */
    private static final List<String> PYTHONS = List.of("python3", "/usr/bin/python3");
    private static String python;

    /** True when a {@code python3} that can import jinja2 exists. */
    static synchronized boolean isAvailable() {
        if (available == null) {
            available = false;
            for (String candidate : PYTHONS) {
                try {
                    Process p = new ProcessBuilder(candidate, "-c", "import jinja2").redirectErrorStream(true).start();
                    p.getInputStream().readAllBytes();
                    if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                        python = candidate;
                        available = true;
                        break;
                    }
                } catch (IOException | InterruptedException e) {
                    // try the next interpreter
                }
            }
        }
        return available;
    }

    static Rendered render(String source, List<ChatMessage> messages, boolean addGenerationPrompt,
            String bos, String eos, Map<String, ?> extra, LocalDateTime now) throws IOException, InterruptedException {
        Map<String, Object> context = new LinkedHashMap<>();
        List<Map<String, String>> wire = new ArrayList<>();
        for (ChatMessage m : messages) {
            wire.add(Map.of("role", m.role().wireName(), "content", m.content()));
        }
        context.put("messages", wire);
        context.put("add_generation_prompt", addGenerationPrompt);
        if (bos != null) {
            context.put("bos_token", bos);
        }
        if (eos != null) {
            context.put("eos_token", eos);
        }
        context.putAll(extra);
        Map<String, Object> request = Map.of("template", source, "context", context, "now", now.toString());

        Path script = Files.createTempFile("render_jinja2", ".py");
        try (InputStream in = Jinja2Reference.class.getResourceAsStream("/chat-templates/render_jinja2.py")) {
            Files.write(script, in.readAllBytes());
        }
        try {
            Process p = new ProcessBuilder(python, script.toString()).start();
            try (OutputStream os = p.getOutputStream()) {
                os.write(JSON.writeValueAsBytes(request));
            }
            byte[] stdout = p.getInputStream().readAllBytes();
            String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("render_jinja2.py failed: " + stderr);
            }
            JsonNode reply = JSON.readTree(stdout);
            return reply.has("output") ? new Rendered(reply.get("output").asText(), null)
                    : new Rendered(null, reply.get("error").asText());
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
