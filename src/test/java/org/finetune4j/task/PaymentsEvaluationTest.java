package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.eval.EvalExample;
import org.finetune4j.eval.EvalReport;
import org.finetune4j.eval.JsonObjectiveEvaluator;
import org.junit.jupiter.api.Test;

class PaymentsEvaluationTest {
    static final Path TASK = Path.of("data/task");

    /** A completer that answers with the gold JSON: the evaluator must score it perfect on every split. */
    @Test
    void goldAnswersScorePerfectlyOnTestAndExamples() {
        for (String split : List.of("test.jsonl", "examples.jsonl")) {
            List<EvalExample> examples = PaymentsEvaluation.examples(TASK.resolve(split), 0);
            Map<List<ChatMessage>, String> gold = new java.util.HashMap<>();
            examples.forEach(e -> gold.put(e.prompt(), e.gold()));
            EvalReport r = JsonObjectiveEvaluator.builder().setObjective(PaymentsEvaluation.objective(TASK)).build()
                    .evaluate(gold::get, examples);
            assertEquals(examples.size(), r.n());
            assertEquals(1.0, r.overall().validJsonRate());
            assertEquals(1.0, r.overall().schemaValidRate());
            assertEquals(1.0, r.overall().exactMatchRate());
            assertEquals(java.util.Set.of("intent", "language"), r.groupKeys());
        }
    }

    /** Prose (what the base model answers) is not JSON; a wrong field costs exact match but not validity. */
    @Test
    void proseAndWrongFieldsAreScoredAsSuch() {
        List<EvalExample> examples = PaymentsEvaluation.examples(TASK.resolve("test.jsonl"), 20);
        EvalReport prose = JsonObjectiveEvaluator.builder().setObjective(PaymentsEvaluation.objective(TASK)).build()
                .evaluate(c -> "Baik, transfer Rp250.000 ke Budi besok.", examples);
        assertEquals(0.0, prose.overall().validJsonRate());
        EvalReport wrongRecipient = JsonObjectiveEvaluator.builder().setObjective(PaymentsEvaluation.objective(TASK))
                .build().score(examples, examples.stream().map(e -> e.gold().replaceFirst("\"recipient\":\"[^\"]*\"",
                        "\"recipient\":\"Zed\"")).toList()); // another name, still as the schema spells names
        assertEquals(1.0, wrongRecipient.overall().validJsonRate());
        assertEquals(1.0, wrongRecipient.overall().schemaValidRate());
        long noRecipient = examples.stream().filter(e -> e.gold().contains("\"recipient\":null")).count();
        assertEquals((double) noRecipient / examples.size(), wrongRecipient.overall().exactMatchRate(), 1e-12);
        assertEquals((double) noRecipient / examples.size(),
                wrongRecipient.overall().perField().get("recipient").accuracy(), 1e-12);
    }
}
