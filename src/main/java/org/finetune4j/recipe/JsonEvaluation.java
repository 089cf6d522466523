package org.finetune4j.recipe;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.finetune4j.chat.ChatCompleter;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.eval.EvalExample;
import org.finetune4j.eval.EvalExamples;
import org.finetune4j.eval.EvalReport;
import org.finetune4j.eval.JsonObjective;
import org.finetune4j.eval.JsonObjectiveEvaluator;
import org.finetune4j.generate.ChatModel;
import org.finetune4j.generate.SamplingConfig;

/**
 * The guide's step 7 as the recipe's {@code eval} section and the {@code eval} command run it: every example of a
 * messages JSONL is answered by the model (greedy unless the checkpoint says otherwise) and scored against the
 * schema and its gold JSON with {@link JsonObjectiveEvaluator}.
 */
public final class JsonEvaluation {
    /** Conversations generated together when the eval section does not say. */
    public static final int DEFAULT_BATCH_SIZE = 16;

    private JsonEvaluation() {}

    /**
     * Evaluates {@code chat} as {@code spec} says.
     *
     * @throws IllegalArgumentException naming the file when the examples or the schema are missing or malformed
     */
    public static EvalReport evaluate(ChatModel chat, Recipe.Eval spec) {
        requireFile(spec.file(), "evaluation file");
        requireFile(spec.schema(), "schema file");
        JsonObjective objective = JsonObjective.builder().setSchema(spec.schema()).build();
        List<EvalExample> examples = EvalExamples.fromJsonl(spec.file(), spec.groupBy().toArray(String[]::new));
        int limit = spec.limit() == null ? 0 : spec.limit();
        if (limit > 0 && limit < examples.size()) {
            examples = examples.subList(0, limit);
        }
        int batch = spec.batchSize() == null ? DEFAULT_BATCH_SIZE : spec.batchSize();
        SamplingConfig sampling = spec.maxNewTokens() == null ? chat.defaultSampling()
                : chat.defaultSampling().toBuilder().optMaxNewTokens(spec.maxNewTokens()).build();
        ChatCompleter completer = new ChatCompleter() {
            @Override
            public String complete(List<ChatMessage> conversation) {
                return chat.chat(conversation, sampling);
            }

            @Override
            public List<String> completeAll(List<List<ChatMessage>> conversations) {
                return chat.chatAll(conversations, sampling);
            }
        };
        chat.optBatchSize(batch);
        return JsonObjectiveEvaluator.builder().setObjective(objective).optBatchSize(batch).build()
                .evaluate(completer, examples);
    }

    /** The summary table, then one table per group key and the per-field table. */
    public static void print(EvalReport report, List<String> groupBy, PrintWriter out) {
        out.println(report.summaryTable().printAll());
        for (String key : groupBy) {
            out.println(report.perGroupTable(key).printAll());
        }
        out.println(report.perFieldTable().printAll());
        out.flush();
    }

    static void requireFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + " not found: " + file);
        }
    }
}
