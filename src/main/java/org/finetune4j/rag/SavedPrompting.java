package org.finetune4j.rag;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.generate.constraint.FieldPins;

/**
 * How a saved model is prompted: its {@link PromptTools} ({@value PromptTools#FILE_NAME}) and then its retrieval
 * ({@value RetrievalConfig#FILE_NAME}), in the order training applied them, read from the directory the model or
 * its adapter was saved in.
 */
public final class SavedPrompting {
    private SavedPrompting() {
    }

    /**
     * The prompt rewrite of the model saved in {@code dir}: identity when it has neither file.
     *
     * @throws IOException naming the file that is malformed, or the retrieval examples that are missing
     */
    public static UnaryOperator<List<ChatMessage>> load(Path dir) throws IOException {
        return compose(PromptTools.load(dir).orElse(PromptTools.NONE), RetrievalConfig.load(dir).orElse(null));
    }

    /**
     * {@code tools} first, then {@code retrieval} (null: none), as training applies them. The result is also the
     * retrieval's {@link FieldPins} (read from the conversation after the tools, as the vote is), so a
     * {@link org.finetune4j.generate.ChatModel} given it pins a unanimous vote when the retrieval says so.
     */
    public static UnaryOperator<List<ChatMessage>> compose(PromptTools tools, RetrievalAugmentation retrieval) {
        return new Composed(tools, retrieval);
    }

    /** Tools, then retrieval; the retrieval's pins. */
    private record Composed(PromptTools tools, RetrievalAugmentation retrieval)
            implements UnaryOperator<List<ChatMessage>>, FieldPins {
        @Override
        public List<ChatMessage> apply(List<ChatMessage> conversation) {
            List<ChatMessage> tooled = tools.apply(conversation);
            return retrieval == null ? tooled : retrieval.forPrompt(tooled);
        }

        @Override
        public Map<String, String> pins(List<ChatMessage> conversation) {
            return retrieval == null || !retrieval.pinsUnanimous() ? Map.of()
                    : retrieval.pins(tools.apply(conversation));
        }
    }

    /**
     * What {@link #load} will apply, for a log line: "prompt tools [date_hint], retrieval", "… retrieval (unanimous
     * votes pinned)" when a saved vote pins ({@link RetrievalConfig#pinUnanimous}), or empty.
     */
    public static Optional<String> describe(Path dir) throws IOException {
        Optional<RetrievalConfig> retrieval = RetrievalConfig.find(dir);
        Optional<String> d = describe(PromptTools.load(dir).orElse(PromptTools.NONE), retrieval.isPresent());
        return retrieval.isPresent() && retrieval.get().pinUnanimous()
                ? d.map(s -> s + " (unanimous votes pinned)") : d;
    }

    /** "prompt tools [date_hint], retrieval", "retrieval", … or empty: what {@code tools} and a retrieval add. */
    public static Optional<String> describe(PromptTools tools, boolean retrieval) {
        String t = tools.isEmpty() ? "" : "prompt tools " + tools.names();
        String r = retrieval ? "retrieval" : "";
        String both = t.isEmpty() || r.isEmpty() ? t + r : t + ", " + r;
        return both.isEmpty() ? Optional.empty() : Optional.of(both);
    }

    /** Copies the saved tools and retrieval (with its examples) from one model directory to another. */
    public static void copy(Path fromDir, Path toDir) throws IOException {
        PromptTools.copy(fromDir, toDir);
        RetrievalConfig.copy(fromDir, toDir);
    }
}
