package org.finetune4j.task;

import java.nio.file.Path;
import java.util.List;
import org.finetune4j.chat.ChatCompleter;
import org.finetune4j.eval.EvalExample;
import org.finetune4j.eval.EvalExamples;
import org.finetune4j.eval.EvalReport;
import org.finetune4j.eval.JsonObjective;
import org.finetune4j.eval.JsonObjectiveEvaluator;

/** Step 7 for the bundled task: the schema objective and the held-out sets, grouped by intent and language. */
public final class PaymentsEvaluation {
    private PaymentsEvaluation() {}

    /** The objective: strict JSON, valid against {@code data/task/schema.json}. */
    public static JsonObjective objective(Path taskDir) {
        return JsonObjective.builder().setSchema(taskDir.resolve("schema.json")).build();
    }

    /** Examples of a split file ({@code test.jsonl}, {@code examples.jsonl}), at most {@code limit} (0 = all). */
    public static List<EvalExample> examples(Path file, int limit) {
        List<EvalExample> all = EvalExamples.fromJsonl(file, "intent", "language");
        return limit > 0 && limit < all.size() ? all.subList(0, limit) : all;
    }

    public static EvalReport evaluate(ChatCompleter model, Path taskDir, Path file, int limit, int batchSize) {
        return JsonObjectiveEvaluator.builder().setObjective(objective(taskDir)).optBatchSize(batchSize).build()
                .evaluate(model, examples(file, limit));
    }
}
