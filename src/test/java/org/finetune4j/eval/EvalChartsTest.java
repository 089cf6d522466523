package org.finetune4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;

class EvalChartsTest {

    private static Map<String, EvalReport> reports() {
        JsonObjectiveEvaluator evaluator =
                JsonObjectiveEvaluator.builder().setObjective(PaymentFixtures.objective()).build();
        Map<String, EvalReport> byName = new LinkedHashMap<>();
        byName.put("base", evaluator.score(PaymentFixtures.examples(), PaymentFixtures.completions()));
        byName.put("tuned", evaluator.score(PaymentFixtures.examples(),
                PaymentFixtures.examples().stream().map(EvalExample::gold).toList()));
        return byName;
    }

    private static List<Double> ys(CategorySeries s) {
        return s.getYData().stream().map(Number::doubleValue).toList();
    }

    @Test
    void perFieldBarsHaveOneSeriesPerModelWithFieldAccuracies() {
        CategoryChart chart = EvalCharts.perFieldBars(reports());
        assertEquals(List.of("base", "tuned"), List.copyOf(chart.getSeriesMap().keySet()));
        CategorySeries base = chart.getSeriesMap().get("base");
        assertEquals(List.of("intent", "amount", "recipient", "date"), List.copyOf(base.getXData()));
        assertEquals(List.of(0.5, 0.5, 0.75, 0.5), ys(base));
        assertEquals(List.of(1.0, 1.0, 1.0, 1.0), ys(chart.getSeriesMap().get("tuned")));
    }

    @Test
    void perGroupBarsUseGroupValues() {
        CategoryChart chart = EvalCharts.perGroupBars(reports(), "language");
        CategorySeries base = chart.getSeriesMap().get("base");
        assertEquals(List.of("en", "id"), List.copyOf(base.getXData()));
        assertEquals(List.of(6.0 / 8, 3.0 / 8), ys(base));
    }

    @Test
    void savesPng(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("charts/per-field.png");
        EvalCharts.saveAsPng(EvalCharts.perFieldBars(reports()), png);
        byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head);
        try (var files = Files.list(png.getParent())) {
            assertEquals(List.of(png), files.toList());
        }
    }
}
