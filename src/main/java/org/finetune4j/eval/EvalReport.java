package org.finetune4j.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The outcome of evaluating one model on a JSON-output eval set: every scored example plus the aggregates the
 * guide asks for (parse rate, schema validity, exact match, micro/macro field F1), per field, per group and as
 * confusion tables, renderable as Tablesaw tables or a JSON document.
 */
public final class EvalReport {

    /** Group value used for examples that lack a group key. */
    public static final String NO_GROUP = "(none)";
    /** Confusion-table column for answers that did not parse. */
    public static final String INVALID = "(invalid)";
    /** Confusion-table label for a parsed answer (or gold) without the field. */
    public static final String MISSING = "(missing)";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String schemaSource;
    private final JsonExtraction extraction;
    private final MissingFieldPolicy missingFieldPolicy;
    private final List<ExampleResult> results;
    private final EvalMetrics overall;
    private final Duration generationTime;
    private final Duration scoringTime;

    EvalReport(JsonObjective objective, List<ExampleResult> results, Duration generationTime, Duration scoringTime) {
        this.schemaSource = objective.schemaSource();
        this.extraction = objective.extraction();
        this.missingFieldPolicy = objective.missingFieldPolicy();
        this.results = List.copyOf(results);
        this.overall = EvalMetrics.of(this.results.stream().map(ExampleResult::score).toList());
        this.generationTime = Objects.requireNonNull(generationTime);
        this.scoringTime = Objects.requireNonNull(scoringTime);
    }

    /** Number of examples. */
    public int n() {
        return results.size();
    }

    /** Every example with its completion and score, in input order. */
    public List<ExampleResult> results() {
        return results;
    }

    /** Aggregates over the whole eval set. */
    public EvalMetrics overall() {
        return overall;
    }

    public JsonExtraction extraction() {
        return extraction;
    }

    /** Time spent in {@code ChatCompleter.completeAll} (zero when only scoring). */
    public Duration generationTime() {
        return generationTime;
    }

    /** Time spent parsing, validating and comparing answers. */
    public Duration scoringTime() {
        return scoringTime;
    }

    /** Group keys present on any example, sorted (so output is stable whatever map the examples carry). */
    public Set<String> groupKeys() {
        Set<String> keys = new TreeSet<>();
        results.forEach(r -> keys.addAll(r.example().groups().keySet()));
        return keys;
    }

    /** Aggregates per value of group {@code key}, values sorted; examples lacking the key fall under {@link #NO_GROUP}. */
    public Map<String, EvalMetrics> perGroup(String key) {
        Map<String, List<AnswerScore>> byValue = new TreeMap<>();
        for (ExampleResult r : results) {
            String value = r.example().groups().getOrDefault(key, NO_GROUP);
            byValue.computeIfAbsent(value, v -> new ArrayList<>()).add(r.score());
        }
        Map<String, EvalMetrics> out = new LinkedHashMap<>();
        byValue.forEach((v, scores) -> out.put(v, EvalMetrics.of(scores)));
        return out;
    }

    /**
     * Gold × predicted counts for a categorical field at a concrete path (e.g. {@code intent}). Rows are the gold
     * labels (sorted); columns are the gold labels, then other predicted labels (sorted), then {@link #MISSING}
     * when some parsed answer lacks the field, then always {@link #INVALID} for answers that did not parse.
     * Every row holds every column.
     */
    public Map<String, Map<String, Integer>> confusion(String path) {
        TreeSet<String> goldLabels = new TreeSet<>();
        TreeSet<String> otherPredicted = new TreeSet<>();
        boolean anyMissing = false;
        List<String[]> pairs = new ArrayList<>();
        for (ExampleResult r : results) {
            AnswerScore s = r.score();
            String gold = label(s.goldFields().get(path));
            String predicted = !s.validJson() ? INVALID : label(s.predictedFields().get(path));
            goldLabels.add(gold);
            pairs.add(new String[] {gold, predicted});
            anyMissing |= MISSING.equals(predicted);
        }
        for (String[] p : pairs) {
            if (!goldLabels.contains(p[1]) && !INVALID.equals(p[1]) && !MISSING.equals(p[1])) {
                otherPredicted.add(p[1]);
            }
        }
        List<String> columns = new ArrayList<>(goldLabels);
        columns.addAll(otherPredicted);
        if (anyMissing && !columns.contains(MISSING)) {
            columns.add(MISSING);
        }
        columns.add(INVALID);
        Map<String, Map<String, Integer>> table = new LinkedHashMap<>();
        for (String g : goldLabels) {
            Map<String, Integer> row = new LinkedHashMap<>();
            columns.forEach(c -> row.put(c, 0));
            table.put(g, row);
        }
        pairs.forEach(p -> table.get(p[0]).merge(p[1], 1, Integer::sum));
        return table;
    }

    private static String label(JsonLeaf leaf) {
        if (leaf == null) {
            return MISSING;
        }
        return leaf.value().isTextual() ? leaf.value().textValue() : leaf.value().toString();
    }

    /**
     * Up to {@code k} examples that are not {@link ErrorCategory#CORRECT}, fewest correct fields first (ties keep
     * input order).
     */
    public List<ExampleResult> worstExamples(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + k);
        }
        return results.stream()
                .filter(r -> r.score().category() != ErrorCategory.CORRECT)
                .sorted(Comparator.comparingInt(r -> r.score().correctPairs()))
                .limit(k)
                .toList();
    }

    // ---------------------------------------------------------------- tables

    /** Two columns: {@code metric} (the {@link SummaryMetric} keys) and {@code value}. */
    public Table summaryTable() {
        StringColumn metric = StringColumn.create("metric");
        DoubleColumn value = DoubleColumn.create("value");
        for (SummaryMetric m : SummaryMetric.values()) {
            metric.append(m.key());
            value.append(m.of(overall));
        }
        return Table.create("summary", metric, value);
    }

    /** One row per field name: gold, predicted, correct counts and accuracy, precision, recall, f1. */
    public Table perFieldTable() {
        return fieldTable("per-field", overall.perField());
    }

    private static Table fieldTable(String name, Map<String, FieldStats> fields) {
        StringColumn field = StringColumn.create("field");
        IntColumn gold = IntColumn.create("gold");
        IntColumn predicted = IntColumn.create("predicted");
        IntColumn correct = IntColumn.create("correct");
        DoubleColumn accuracy = DoubleColumn.create("accuracy");
        DoubleColumn precision = DoubleColumn.create("precision");
        DoubleColumn recall = DoubleColumn.create("recall");
        DoubleColumn f1 = DoubleColumn.create("f1");
        for (FieldStats f : fields.values()) {
            field.append(f.field());
            gold.append(f.gold());
            predicted.append(f.predicted());
            correct.append(f.correct());
            accuracy.append(f.accuracy());
            precision.append(f.precision());
            recall.append(f.recall());
            f1.append(f.f1());
        }
        return Table.create(name, field, gold, predicted, correct, accuracy, precision, recall, f1);
    }

    /** One row per value of group {@code key}; columns: the key, then every {@link SummaryMetric}. */
    public Table perGroupTable(String key) {
        Map<String, EvalMetrics> groups = perGroup(key);
        StringColumn value = StringColumn.create(key, new ArrayList<>(groups.keySet()));
        Table table = Table.create("per-" + key, value);
        for (SummaryMetric m : SummaryMetric.values()) {
            table.addColumns(DoubleColumn.create(m.key(), groups.values().stream().mapToDouble(m::of)));
        }
        return table;
    }

    /** {@link #confusion(String)} as a table: first column {@code gold \ predicted}, one int column per label. */
    public Table confusionTable(String path) {
        Map<String, Map<String, Integer>> confusion = confusion(path);
        StringColumn gold = StringColumn.create("gold \\ predicted", new ArrayList<>(confusion.keySet()));
        Table table = Table.create("confusion-" + path, gold);
        List<String> columns = confusion.isEmpty() ? List.of(INVALID)
                : new ArrayList<>(confusion.values().iterator().next().keySet());
        for (String c : columns) {
            table.addColumns(IntColumn.create(c, confusion.values().stream().mapToInt(row -> row.get(c))));
        }
        return table;
    }

    /** {@link #worstExamples(int)} as a table: id, category, correct/gold fields, errors, completion. */
    public Table worstExamplesTable(int k) {
        List<ExampleResult> worst = worstExamples(k);
        StringColumn id = StringColumn.create("id");
        StringColumn category = StringColumn.create("category");
        IntColumn correct = IntColumn.create("correct_fields");
        IntColumn gold = IntColumn.create("gold_fields");
        StringColumn errors = StringColumn.create("errors");
        StringColumn completion = StringColumn.create("completion");
        for (ExampleResult r : worst) {
            AnswerScore s = r.score();
            id.append(r.example().id());
            category.append(s.category().name());
            correct.append(s.correctPairs());
            gold.append(s.goldPairs());
            errors.append(s.validJson() ? String.join("; ", s.schemaErrors()) : s.parseError());
            completion.append(r.completion());
        }
        return Table.create("worst-examples", id, category, correct, gold, errors, completion);
    }

    /**
     * Side-by-side comparison (e.g. base vs fine-tuned on the same prompts): rows are the {@link SummaryMetric}s,
     * the first column is {@code metric}, then one column per model in map order.
     */
    public static Table compare(Map<String, EvalReport> byName) {
        if (byName.isEmpty()) {
            throw new IllegalArgumentException("compare needs at least one report");
        }
        StringColumn metric = StringColumn.create("metric");
        for (SummaryMetric m : SummaryMetric.values()) {
            metric.append(m.key());
        }
        Table table = Table.create("comparison", metric);
        byName.forEach((name, report) -> {
            if (name.equals("metric")) {
                throw new IllegalArgumentException("a model cannot be named 'metric' (first column)");
            }
            DoubleColumn col = DoubleColumn.create(name);
            for (SummaryMetric m : SummaryMetric.values()) {
                col.append(m.of(report.overall()));
            }
            table.addColumns(col);
        });
        return table;
    }

    // ---------------------------------------------------------------- JSON

    /**
     * The report as pretty-printed JSON with a fixed key order: {@code objective}, {@code n}, {@code summary}
     * (every {@link SummaryMetric} key), {@code categories}, {@code per_field}, {@code per_group}, {@code timing},
     * {@code examples}.
     */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode objective = root.putObject("objective");
        objective.put("schema", schemaSource);
        objective.put("extraction", extraction.name());
        objective.put("missing_field_policy", missingFieldPolicy.name());
        root.put("n", n());
        root.set("summary", metricsJson(overall));
        ObjectNode categories = root.putObject("categories");
        overall.categories().forEach((c, count) -> categories.put(c.name(), count));
        ObjectNode perField = root.putObject("per_field");
        for (FieldStats f : overall.perField().values()) {
            ObjectNode o = perField.putObject(f.field());
            o.put("gold", f.gold());
            o.put("predicted", f.predicted());
            o.put("correct", f.correct());
            o.put("accuracy", f.accuracy());
            o.put("precision", f.precision());
            o.put("recall", f.recall());
            o.put("f1", f.f1());
        }
        ObjectNode perGroup = root.putObject("per_group");
        for (String key : groupKeys()) {
            ObjectNode byValue = perGroup.putObject(key);
            perGroup(key).forEach((value, metrics) -> byValue.set(value, metricsJson(metrics)));
        }
        ObjectNode timing = root.putObject("timing");
        timing.put("generation_ms", generationTime.toMillis());
        timing.put("scoring_ms", scoringTime.toMillis());
        ArrayNode examples = root.putArray("examples");
        for (ExampleResult r : results) {
            AnswerScore s = r.score();
            ObjectNode e = examples.addObject();
            e.put("id", r.example().id());
            ObjectNode groups = e.putObject("groups");
            new TreeMap<>(r.example().groups()).forEach(groups::put);
            e.put("category", s.category().name());
            e.put("valid_json", s.validJson());
            e.put("schema_valid", s.schemaValid());
            e.put("exact_match", s.exactMatch());
            e.put("correct_fields", s.correctPairs());
            e.put("gold_fields", s.goldPairs());
            e.put("predicted_fields", s.predictedPairs());
            ArrayNode errors = e.putArray("schema_errors");
            s.schemaErrors().forEach(errors::add);
            e.put("parse_error", s.parseError());
            e.put("completion", r.completion());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static ObjectNode metricsJson(EvalMetrics m) {
        ObjectNode o = JSON.createObjectNode();
        for (SummaryMetric metric : SummaryMetric.values()) {
            if (metric == SummaryMetric.N) {
                o.put(metric.key(), m.n());
            } else {
                o.put(metric.key(), metric.of(m));
            }
        }
        return o;
    }

    /** Writes {@link #toJson()} to {@code file} via a temporary sibling file and an atomic rename. */
    public void writeJson(Path file) {
        Path target = file.toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
            try {
                Files.writeString(tmp, toJson());
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write eval report " + file, e);
        }
    }

    @Override
    public String toString() {
        return "EvalReport[n=" + n() + ", validJson=" + overall.validJsonRate() + ", exactMatch="
                + overall.exactMatchRate() + ", microF1=" + overall.microF1() + "]";
    }
}
