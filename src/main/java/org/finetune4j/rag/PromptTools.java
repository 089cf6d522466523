package org.finetune4j.rag;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.data.TrainingConversation;
import org.finetune4j.io.AtomicFiles;

/**
 * The {@link PromptTool}s a model is prompted with, applied in order, and saved beside the model as
 * {@value #FILE_NAME} ({@code {"tools": ["date_hint"]}}) so that the {@code eval}, {@code chat} and
 * {@code generate} commands, {@code ChatModel.load} and the notebooks prompt it the way it was trained.
 */
public final class PromptTools {
    /** The file's name in a model or adapter directory. */
    public static final String FILE_NAME = "prompt_tools.json";
    /** No tools: every prompt as it is. */
    public static final PromptTools NONE = new PromptTools(List.of());

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** The file's content. */
    private record Saved(@JsonProperty("tools") List<String> tools) {}

    private final List<PromptTool> tools;

    private PromptTools(List<PromptTool> tools) {
        this.tools = List.copyOf(tools);
    }

    /** These tools, in this order. */
    public static PromptTools of(PromptTool... tools) {
        return new PromptTools(List.of(tools));
    }

    /**
     * The tools of these names, in this order, from the {@link ServiceLoader} of {@link PromptTool}.
     *
     * @throws IllegalArgumentException naming an unknown or repeated name and the tools there are
     */
    public static PromptTools named(List<String> names) {
        Map<String, PromptTool> known = available();
        List<PromptTool> out = new ArrayList<>(names.size());
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            PromptTool tool = known.get(name);
            if (tool == null) {
                throw new IllegalArgumentException("unknown prompt tool '" + name + "'; known: " + known.keySet());
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("prompt tool '" + name + "' is listed twice");
            }
            out.add(tool);
        }
        return new PromptTools(out);
    }

    /** Every tool on the class path, by name. */
    public static Map<String, PromptTool> available() {
        Map<String, PromptTool> out = new TreeMap<>();
        for (PromptTool t : ServiceLoader.load(PromptTool.class, PromptTools.class.getClassLoader())) {
            out.put(t.name(), t);
        }
        return out;
    }

    public List<String> names() {
        return tools.stream().map(PromptTool::name).toList();
    }

    public boolean isEmpty() {
        return tools.isEmpty();
    }

    /** The conversation as the model is shown it: each tool applied to the previous one's result. */
    public List<ChatMessage> apply(List<ChatMessage> conversation) {
        List<ChatMessage> out = conversation;
        for (PromptTool t : tools) {
            out = t.apply(out);
        }
        return out;
    }

    /**
     * A training conversation as the model is shown it: the tools applied to all its messages (a tool reads the
     * last user message, which in a one-turn conversation is the one answered); the same turns are trained, shifted
     * by the messages inserted before them.
     */
    public TrainingConversation forTraining(TrainingConversation training) {
        if (tools.isEmpty()) {
            return training;
        }
        List<ChatMessage> messages = apply(training.conversation().messages());
        if (messages.size() < training.conversation().messages().size()) {
            throw new IllegalStateException(training.source() + ": prompt tools " + names() + " removed messages");
        }
        return training.withMessages(messages);
    }

    /** {@link #forTraining(TrainingConversation)} of each conversation. */
    public List<TrainingConversation> forTraining(List<TrainingConversation> conversations) {
        if (tools.isEmpty()) {
            return conversations;
        }
        List<TrainingConversation> out = new ArrayList<>(conversations.size());
        for (TrainingConversation t : conversations) {
            out.add(forTraining(t));
        }
        return out;
    }

    /**
     * Writes {@value #FILE_NAME} into {@code dir} (through a temporary file); with no tools, removes one left there
     * by an earlier save, so the directory never claims tools its model was not trained with.
     */
    public void saveTo(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (tools.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        AtomicFiles.writeString(file, JSON.writeValueAsString(new Saved(names())) + "\n");
    }

    /**
     * The tools saved in {@code dir}, if it has a {@value #FILE_NAME}.
     *
     * @throws IOException naming the file when it is not valid JSON of that shape or names an unknown tool
     */
    public static Optional<PromptTools> load(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Saved saved;
        try {
            saved = JSON.readValue(file.toFile(), Saved.class);
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not a valid prompt tools file: " + e.getOriginalMessage(), e);
        }
        if (saved == null || saved.tools() == null) {
            throw new IOException(file + ": not a valid prompt tools file: missing 'tools'");
        }
        try {
            return Optional.of(named(saved.tools()));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Copies {@code fromDir}'s saved tools, if any, to {@code toDir} (a merge keeps the tools). */
    public static void copy(Path fromDir, Path toDir) throws IOException {
        Optional<PromptTools> t = load(fromDir);
        if (t.isPresent()) {
            t.get().saveTo(toDir);
        }
    }

    @Override
    public String toString() {
        return "PromptTools" + names();
    }
}
