package org.finetune4j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.finetune4j.chat.ChatCompleter;
import org.finetune4j.chat.ChatMessage;

/**
 * Runs a {@link ChatCompleter} over an eval set and scores the answers against a {@link JsonObjective}.
 *
 * <pre>{@code
 * JsonObjectiveEvaluator evaluator = JsonObjectiveEvaluator.builder()
 *         .setObjective(objective)
 *         .optBatchSize(8)
 *         .optProgressListener((done, total) -> bar.stepTo(done))
 *         .build();
 * EvalReport report = evaluator.evaluate(model, EvalExamples.fromJsonl(path, "intent", "language"));
 * }</pre>
 */
public final class JsonObjectiveEvaluator {

    private final JsonObjective objective;
    private final int batchSize;
    private final EvalProgressListener listener;

    private JsonObjectiveEvaluator(Builder b) {
        this.objective = b.objective;
        this.batchSize = b.batchSize;
        this.listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    public JsonObjective objective() {
        return objective;
    }

    public int batchSize() {
        return batchSize;
    }

    /**
     * Generates an answer for every example with {@code model.completeAll}, one call per batch of
     * {@link #batchSize()} prompts, then scores them. Gold answers are checked before any generation, so a data
     * error fails fast.
     *
     * @throws IllegalArgumentException when a gold answer is not valid JSON or fails the schema
     * @throws IllegalStateException    when the model returns the wrong number of completions or a null
     */
    public EvalReport evaluate(ChatCompleter model, List<EvalExample> examples) {
        Objects.requireNonNull(model, "model");
        List<JsonNode> golds = parseGolds(examples);
        List<String> completions = new ArrayList<>(examples.size());
        long start = System.nanoTime();
        for (int from = 0; from < examples.size(); from += batchSize) {
            int to = Math.min(examples.size(), from + batchSize);
            List<List<ChatMessage>> prompts = examples.subList(from, to).stream().map(EvalExample::prompt).toList();
            List<String> batch = model.completeAll(prompts);
            if (batch == null || batch.size() != prompts.size()) {
                throw new IllegalStateException("model returned " + (batch == null ? "null" : batch.size())
                        + " completions for " + prompts.size() + " prompts (examples " + from + ".." + (to - 1) + ")");
            }
            for (int i = 0; i < batch.size(); i++) {
                if (batch.get(i) == null) {
                    throw new IllegalStateException("model returned null for example " + examples.get(from + i).id());
                }
            }
            completions.addAll(batch);
            if (listener != null) {
                listener.onProgress(to, examples.size());
            }
        }
        Duration generation = Duration.ofNanos(System.nanoTime() - start);
        return scoreParsed(examples, golds, completions, generation);
    }

    /**
     * Scores given completions (index-aligned with {@code examples}) without running a model.
     *
     * @throws IllegalArgumentException when the sizes differ, or a gold answer is not valid JSON or fails the schema
     */
    public EvalReport score(List<EvalExample> examples, List<String> completions) {
        if (examples.size() != completions.size()) {
            throw new IllegalArgumentException(examples.size() + " examples but " + completions.size()
                    + " completions");
        }
        return scoreParsed(examples, parseGolds(examples), completions, Duration.ZERO);
    }

    private List<JsonNode> parseGolds(List<EvalExample> examples) {
        List<JsonNode> golds = new ArrayList<>(examples.size());
        for (EvalExample e : examples) {
            golds.add(objective.parseGold(e.gold(), "example " + e.id()));
        }
        return golds;
    }

    private EvalReport scoreParsed(List<EvalExample> examples, List<JsonNode> golds, List<String> completions,
            Duration generation) {
        long start = System.nanoTime();
        List<ExampleResult> results = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            String completion = Objects.requireNonNull(completions.get(i), () -> "completion is null");
            results.add(new ExampleResult(examples.get(i), completion, objective.score(completion, golds.get(i))));
        }
        return new EvalReport(objective, results, generation, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Builds a {@link JsonObjectiveEvaluator}; {@link #setObjective} is required. */
    public static final class Builder {
        private JsonObjective objective;
        private int batchSize = 16;
        private EvalProgressListener listener;

        private Builder() {}

        public Builder setObjective(JsonObjective objective) {
            this.objective = Objects.requireNonNull(objective, "objective");
            return this;
        }

        /** Prompts per {@code completeAll} call; default 16. */
        public Builder optBatchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Called after each batch with (completed, total). */
        public Builder optProgressListener(EvalProgressListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public JsonObjectiveEvaluator build() {
            if (objective == null) {
                throw new IllegalStateException("JsonObjectiveEvaluator needs setObjective(...)");
            }
            return new JsonObjectiveEvaluator(this);
        }
    }
}
