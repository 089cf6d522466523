package org.finetune4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.finetune4j.chat.ChatCompleter;
import org.finetune4j.chat.ChatMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/**
 * Scores of the four answers in {@link PaymentFixtures}, worked out by hand:
 *
 * <pre>
 *        intent  amount  recipient  date    predicted pairs  category
 *  e1    ok      ok      ok         ok      4                CORRECT
 *  e2    ok      wrong   ok         ok      4                WRONG_VALUE
 *  e3    wrong   ok      ok         absent  3                SCHEMA_INVALID (missing date)
 *  e4    -       -       -          -       0                TRUNCATED
 * </pre>
 *
 * gold pairs 16, predicted 11, correct 9.
 */
class JsonObjectiveEvaluatorTest {

    private static final double EPS = 1e-12;

    private final JsonObjectiveEvaluator evaluator =
            JsonObjectiveEvaluator.builder().setObjective(PaymentFixtures.objective()).build();

    private EvalReport report() {
        return evaluator.score(PaymentFixtures.examples(), PaymentFixtures.completions());
    }

    @Test
    void overallRatesMatchHandCounts() {
        EvalMetrics m = report().overall();
        assertEquals(4, m.n());
        assertEquals(3.0 / 4, m.validJsonRate(), EPS);
        assertEquals(2.0 / 4, m.schemaValidRate(), EPS);
        assertEquals(1.0 / 4, m.exactMatchRate(), EPS);
        assertEquals(9.0 / 16, m.fieldAccuracy(), EPS);
        assertEquals(9.0 / 11, m.microPrecision(), EPS);
        assertEquals(9.0 / 16, m.microRecall(), EPS);
        double p = 9.0 / 11;
        double r = 9.0 / 16;
        assertEquals(2 * p * r / (p + r), m.microF1(), EPS);
        assertEquals(2.0 * 9 / (16 + 11), m.microF1(), EPS); // the same F1, as 2·correct/(gold+predicted)
        // per-field F1 = 2·correct/(gold+predicted): intent 4/7, amount 4/7, recipient 6/7, date 4/6
        assertEquals((4.0 / 7 + 4.0 / 7 + 6.0 / 7 + 4.0 / 6) / 4, m.macroF1(), EPS);
        assertEquals(1.0 / 4, m.categoryRate(ErrorCategory.TRUNCATED), EPS);
        assertEquals(1.0 / 4, m.violationRate(SchemaViolation.MISSING_FIELD), EPS);
        assertEquals(0.0, m.violationRate(SchemaViolation.EXTRA_FIELD), EPS);
        assertEquals(Map.of(ErrorCategory.NOT_JSON, 0, ErrorCategory.TRUNCATED, 1, ErrorCategory.SCHEMA_INVALID, 1,
                ErrorCategory.WRONG_VALUE, 1, ErrorCategory.CORRECT, 1), m.categories());
    }

    @Test
    void perFieldAccuracyIsExactFractions() {
        Map<String, FieldStats> f = report().overall().perField();
        assertEquals(List.of("intent", "amount", "recipient", "date"), List.copyOf(f.keySet()));
        assertEquals(new FieldStats("intent", 4, 3, 2), f.get("intent"));
        assertEquals(new FieldStats("amount", 4, 3, 2), f.get("amount"));
        assertEquals(new FieldStats("recipient", 4, 3, 3), f.get("recipient"));
        assertEquals(new FieldStats("date", 4, 2, 2), f.get("date"));
        assertEquals(2.0 / 4, f.get("intent").accuracy(), EPS);
        assertEquals(3.0 / 4, f.get("recipient").accuracy(), EPS);
        assertEquals(2.0 / 3, f.get("intent").precision(), EPS);
        assertEquals(1.0, f.get("date").precision(), EPS);

        Table t = report().perFieldTable();
        assertEquals(4, t.rowCount());
        assertEquals(List.of("field", "gold", "predicted", "correct", "accuracy", "precision", "recall", "f1"),
                t.columnNames());
        assertEquals(0.75, t.doubleColumn("accuracy").get(2), EPS);
    }

    @Test
    void perGroupRates() {
        EvalReport report = report();
        assertEquals(List.of("intent", "language"), List.copyOf(report.groupKeys()));
        Map<String, EvalMetrics> byIntent = report.perGroup("intent");
        assertEquals(List.of("balance", "bill_payment", "transfer"), List.copyOf(byIntent.keySet()));
        assertEquals(2, byIntent.get("transfer").n());
        assertEquals(1.0 / 2, byIntent.get("transfer").exactMatchRate(), EPS);
        assertEquals(7.0 / 8, byIntent.get("transfer").fieldAccuracy(), EPS);
        assertEquals(2.0 / 4, byIntent.get("balance").fieldAccuracy(), EPS);
        assertEquals(0.0, byIntent.get("balance").schemaValidRate(), EPS);
        assertEquals(0.0, byIntent.get("bill_payment").validJsonRate(), EPS);

        Map<String, EvalMetrics> byLanguage = report.perGroup("language");
        assertEquals(6.0 / 8, byLanguage.get("en").fieldAccuracy(), EPS);
        assertEquals(3.0 / 8, byLanguage.get("id").fieldAccuracy(), EPS);
        assertEquals(1.0 / 2, byLanguage.get("id").validJsonRate(), EPS);
        assertEquals(1.0 / 2, byLanguage.get("en").schemaValidRate(), EPS);

        Table t = report.perGroupTable("language");
        assertEquals(List.of("en", "id"), t.stringColumn("language").asList());
        assertEquals(3.0 / 8, t.doubleColumn("field_accuracy").get(1), EPS);
        assertEquals(1 + SummaryMetric.values().length, t.columnCount());
    }

    @Test
    void confusionTableCounts() {
        EvalReport report = report();
        Map<String, Map<String, Integer>> c = report.confusion("intent");
        assertEquals(List.of("balance", "bill_payment", "transfer"), List.copyOf(c.keySet()));
        assertEquals(List.of("balance", "bill_payment", "transfer", EvalReport.INVALID),
                List.copyOf(c.get("balance").keySet()));
        assertEquals(Map.of("balance", 0, "bill_payment", 0, "transfer", 1, EvalReport.INVALID, 0), c.get("balance"));
        assertEquals(Map.of("balance", 0, "bill_payment", 0, "transfer", 0, EvalReport.INVALID, 1),
                c.get("bill_payment"));
        assertEquals(Map.of("balance", 0, "bill_payment", 0, "transfer", 2, EvalReport.INVALID, 0), c.get("transfer"));

        Table t = report.confusionTable("intent");
        assertEquals(List.of("gold \\ predicted", "balance", "bill_payment", "transfer", EvalReport.INVALID),
                t.columnNames());
        assertEquals(List.of(1, 0, 2), t.intColumn("transfer").asList());
        int total = 0;
        for (int col = 1; col < t.columnCount(); col++) {
            total += t.intColumn(col).asList().stream().mapToInt(Integer::intValue).sum();
        }
        assertEquals(4, total, "every answer lands in exactly one cell");
    }

    @Test
    void confusionShowsUnseenAndMissingPredictions() {
        List<String> completions = new ArrayList<>(PaymentFixtures.completions());
        completions.set(0, "{\"intent\":\"card_block\",\"amount\":25,\"recipient\":\"Budi\",\"date\":\"2024-05-01\"}");
        completions.set(1, "{\"amount\":100,\"recipient\":\"Sari\",\"date\":null}");
        Map<String, Map<String, Integer>> c =
                evaluator.score(PaymentFixtures.examples(), completions).confusion("intent");
        assertEquals(List.of("balance", "bill_payment", "transfer", "card_block", EvalReport.MISSING,
                EvalReport.INVALID), List.copyOf(c.get("transfer").keySet()));
        assertEquals(1, c.get("transfer").get("card_block"));
        assertEquals(1, c.get("transfer").get(EvalReport.MISSING));
    }

    @Test
    void worstExamplesAreWrongOnesWithFewestCorrectFieldsFirst() {
        EvalReport report = report();
        assertEquals(List.of("e4", "e3", "e2"),
                report.worstExamples(10).stream().map(r -> r.example().id()).toList());
        Table t = report.worstExamplesTable(2);
        assertEquals(List.of("e4", "e3"), t.stringColumn("id").asList());
        assertEquals(List.of("TRUNCATED", "SCHEMA_INVALID"), t.stringColumn("category").asList());
        assertEquals(List.of(0, 2), t.intColumn("correct_fields").asList());
    }

    @Test
    void summaryTableListsEveryMetric() {
        Table t = report().summaryTable();
        assertEquals(Arrays.stream(SummaryMetric.values()).map(SummaryMetric::key).toList(),
                t.stringColumn("metric").asList());
        assertEquals(4.0, t.doubleColumn("value").get(SummaryMetric.N.ordinal()), EPS);
        assertEquals(0.25, t.doubleColumn("value").get(SummaryMetric.EXACT_MATCH_RATE.ordinal()), EPS);
    }

    @Test
    void jsonReportRoundTrip(@TempDir Path dir) throws IOException {
        EvalReport report = report();
        Path file = dir.resolve("reports/base.json");
        report.writeJson(file);
        report.writeJson(file); // overwriting an existing report works
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertEquals(List.of("objective", "n", "summary", "categories", "per_field", "per_group", "timing", "examples"),
                fieldNames(root));
        assertEquals("STRICT", root.at("/objective/extraction").asText());
        assertEquals(4, root.get("n").asInt());
        assertEquals(Arrays.stream(SummaryMetric.values()).map(SummaryMetric::key).toList(),
                fieldNames(root.get("summary")));
        assertEquals(0.25, root.at("/summary/exact_match_rate").asDouble(), EPS);
        assertEquals(9.0 / 11, root.at("/summary/micro_precision").asDouble(), EPS);
        assertEquals(report.overall().macroF1(), root.at("/summary/macro_f1").asDouble(), EPS);
        assertEquals(2, root.at("/per_field/intent/correct").asInt());
        assertEquals(7.0 / 8, root.at("/per_group/intent/transfer/field_accuracy").asDouble(), EPS);
        assertEquals(1, root.at("/categories/TRUNCATED").asInt());
        assertEquals("TRUNCATED", root.at("/examples/3/category").asText());
        assertEquals(PaymentFixtures.completions().get(3), root.at("/examples/3/completion").asText());
        assertEquals(report.toJson(), Files.readString(file), "file holds exactly toJson()");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void compareTableShape() {
        List<String> perfect = PaymentFixtures.examples().stream().map(EvalExample::gold).toList();
        Map<String, EvalReport> byName = new LinkedHashMap<>();
        byName.put("base", report());
        byName.put("fine-tuned", evaluator.score(PaymentFixtures.examples(), perfect));
        Table t = EvalReport.compare(byName);
        assertEquals(List.of("metric", "base", "fine-tuned"), t.columnNames());
        assertEquals(SummaryMetric.values().length, t.rowCount());
        int exact = SummaryMetric.EXACT_MATCH_RATE.ordinal();
        assertEquals("exact_match_rate", t.stringColumn("metric").get(exact));
        assertEquals(0.25, t.doubleColumn("base").get(exact), EPS);
        assertEquals(1.0, t.doubleColumn("fine-tuned").get(exact), EPS);
        assertThrows(IllegalArgumentException.class, () -> EvalReport.compare(Map.of()));
    }

    @Test
    void evaluateCallsCompleteAllPerBatchAndReportsProgress() {
        List<EvalExample> examples = PaymentFixtures.examples();
        Map<String, String> canned = new LinkedHashMap<>();
        for (int i = 0; i < examples.size(); i++) {
            canned.put(lastUser(examples.get(i).prompt()), PaymentFixtures.completions().get(i));
        }
        ChatCompleter answers = conversation -> canned.get(lastUser(conversation));
        List<Integer> batchSizes = new ArrayList<>();
        ChatCompleter model = new ChatCompleter() {
            @Override
            public String complete(List<ChatMessage> conversation) {
                return answers.complete(conversation);
            }

            @Override
            public List<String> completeAll(List<List<ChatMessage>> conversations) {
                batchSizes.add(conversations.size());
                return ChatCompleter.super.completeAll(conversations);
            }
        };
        List<int[]> progress = new ArrayList<>();
        JsonObjectiveEvaluator batched = JsonObjectiveEvaluator.builder()
                .setObjective(PaymentFixtures.objective())
                .optBatchSize(3)
                .optProgressListener((done, total) -> progress.add(new int[] {done, total}))
                .build();

        EvalReport report = batched.evaluate(model, examples);

        assertEquals(List.of(3, 1), batchSizes);
        assertEquals(List.of("3/4", "4/4"), progress.stream().map(p -> p[0] + "/" + p[1]).toList());
        assertEquals(report().overall(), report.overall(), "generation then scoring equals scoring alone");
        assertEquals(PaymentFixtures.completions(), report.results().stream().map(ExampleResult::completion).toList());
    }

    @Test
    void evaluateRejectsAModelThatDropsAnswers() {
        ChatCompleter dropsOne = new ChatCompleter() {
            @Override
            public String complete(List<ChatMessage> conversation) {
                return "{}";
            }

            @Override
            public List<String> completeAll(List<List<ChatMessage>> conversations) {
                return List.of("{}");
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> evaluator.evaluate(dropsOne, PaymentFixtures.examples()));
        assertTrue(e.getMessage().contains("returned 1 completions for 4 prompts"), e.getMessage());
    }

    @Test
    void goldFailingTheSchemaNamesTheExample() {
        EvalExample bad = PaymentFixtures.example("bad-7", "x", "{\"intent\":\"refund\"}", "refund", "en");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> evaluator.score(List.of(bad), List.of("{}")));
        assertTrue(e.getMessage().startsWith("example bad-7: "), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> evaluator.score(PaymentFixtures.examples(), List.of("{}")));
    }

    private static String lastUser(List<ChatMessage> conversation) {
        return conversation.get(conversation.size() - 1).content();
    }
}
