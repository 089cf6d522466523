package org.finetune4j.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.finetune4j.peft.TechniqueReport;
import org.finetune4j.peft.TechniqueType;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;

class ChartsTest {

    private static Map<String, TechniqueReport> reports() {
        Map<String, TechniqueReport> m = new LinkedHashMap<>();
        m.put("full", new TechniqueReport(TechniqueType.FULL, 1_000_000, 1_000_000, 0, 4_000_000, 8_000_000, 0, 0, 0));
        m.put("lora r=8", new TechniqueReport(TechniqueType.LORA, 1_016_000, 16_000, 4_000_000, 64_000, 128_000, 0, 0, 0));
        m.put("bitfit", new TechniqueReport(TechniqueType.BITFIT, 1_000_000, 0, 4_000_000, 0, 0, 0, 0, 0));
        return m;
    }

    @Test
    void trainableParametersChartHasOneBarPerTechniqueInMapOrder() throws Exception {
        CategoryChart chart = Charts.trainableParameters(reports());
        CategorySeries s = chart.getSeriesMap().get("trainable parameters");
        assertEquals(List.of("full", "lora r=8", "bitfit"), List.copyOf(s.getXData()));
        // zero is drawn as 1 on the log axis
        assertEquals(List.of(1_000_000.0, 16_000.0, 1.0), List.copyOf(s.getYData()));
        assertTrue(chart.getStyler().isYAxisLogarithmic());
        LiveTrainingViewTest.assertPng(Charts.png(chart), 800, 450);
    }

    @Test
    void memoryChartStacksTheThreeTermsInMegabytes() throws Exception {
        CategoryChart chart = Charts.memory(reports());
        assertTrue(chart.getStyler().isStacked());
        assertEquals(List.of("frozen weights", "trainable weights", "optimizer state"),
                List.copyOf(chart.getSeriesMap().keySet()));
        // full: 0 + 4 + 8 MB, LoRA: 4 + 0.064 + 0.128 MB
        assertArrayEquals(new double[] {0, 4, 4}, ys(chart, "frozen weights"), 1e-12);
        assertArrayEquals(new double[] {4, 0.064, 0}, ys(chart, "trainable weights"), 1e-12);
        assertArrayEquals(new double[] {8, 0.128, 0}, ys(chart, "optimizer state"), 1e-12);
        LiveTrainingViewTest.assertPng(Charts.png(chart), 800, 450);
    }

    private static double[] ys(CategoryChart chart, String series) {
        return chart.getSeriesMap().get(series).getYData().stream().mapToDouble(Number::doubleValue).toArray();
    }

    @Test
    void emptyInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Charts.trainableParameters(Map.of()));
        assertThrows(IllegalArgumentException.class, () -> Charts.memory(null));
    }

    @Test
    void barsKeepMapOrderAndValues() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        seconds.put("LoRA", 12.5);
        seconds.put("full", 30.0);
        CategoryChart chart = Charts.bars("time", "seconds", seconds);
        assertEquals(List.of("LoRA", "full"), List.copyOf(chart.getSeriesMap().get("seconds").getXData()));
        assertArrayEquals(new double[] {12.5, 30.0}, ys(chart, "seconds"), 0);
        assertThrows(IllegalArgumentException.class, () -> Charts.bars("t", "y", Map.of()));
    }

    @Test
    void evalMetricsHasOneSeriesPerMetricWithEachReportsValue() {
        org.finetune4j.eval.JsonObjective objective = org.finetune4j.eval.JsonObjective.builder()
                .setSchema("{\"type\":\"object\"}").build();
        List<org.finetune4j.eval.EvalExample> ex = List.of(
                new org.finetune4j.eval.EvalExample("a", List.of(org.finetune4j.chat.ChatMessage.user("x")),
                        "{\"k\":1}", Map.of()),
                new org.finetune4j.eval.EvalExample("b", List.of(org.finetune4j.chat.ChatMessage.user("y")),
                        "{\"k\":2}", Map.of()));
        org.finetune4j.eval.JsonObjectiveEvaluator ev = org.finetune4j.eval.JsonObjectiveEvaluator.builder()
                .setObjective(objective).build();
        Map<String, org.finetune4j.eval.EvalReport> reports = new LinkedHashMap<>();
        reports.put("base", ev.score(ex, List.of("prose", "prose")));
        reports.put("tuned", ev.score(ex, List.of("{\"k\":1}", "{\"k\":3}")));
        CategoryChart chart = Charts.evalMetrics(reports, org.finetune4j.eval.SummaryMetric.VALID_JSON_RATE,
                org.finetune4j.eval.SummaryMetric.EXACT_MATCH_RATE);
        assertArrayEquals(new double[] {0, 1}, ys(chart, "valid_json_rate"), 0);
        assertArrayEquals(new double[] {0, 0.5}, ys(chart, "exact_match_rate"), 0);
    }

    @Test
    void lengthHistogramCountsEverySampleOnce() {
        org.finetune4j.data.DatasetStats stats = new org.finetune4j.data.DatasetStats(5, 0, 0, 0, 0, 5,
                List.of(3, 15, 16, 17, 40));
        CategoryChart chart = Charts.lengthHistogram(stats, 16);
        assertEquals(List.of("0", "16", "32"), List.copyOf(chart.getSeriesMap().get("samples").getXData()));
        assertArrayEquals(new double[] {2, 2, 1}, ys(chart, "samples"), 0);
    }
}
