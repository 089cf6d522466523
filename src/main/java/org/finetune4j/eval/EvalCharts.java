package org.finetune4j.eval;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;

/** XChart bar charts of eval reports, one series per model, for notebooks and saved figures. */
public final class EvalCharts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;

    private EvalCharts() {}

    /** Per-field accuracy bars: x = field names (union over models, first-seen order), one series per model. */
    public static CategoryChart perFieldBars(Map<String, EvalReport> byName) {
        requireReports(byName);
        Set<String> fields = new LinkedHashSet<>();
        byName.values().forEach(r -> r.overall().perField().values().stream()
                .filter(f -> f.gold() > 0).forEach(f -> fields.add(f.field())));
        CategoryChart chart = newChart("Per-field accuracy", "field", "accuracy", true);
        List<String> x = new ArrayList<>(fields);
        byName.forEach((name, report) -> {
            List<Double> y = new ArrayList<>();
            for (String f : x) {
                FieldStats s = report.overall().perField().get(f);
                y.add(s == null ? 0.0 : s.accuracy());
            }
            chart.addSeries(name, x, y);
        });
        return chart;
    }

    /** Field accuracy per value of group {@code key} (e.g. per intent), one series per model. */
    public static CategoryChart perGroupBars(Map<String, EvalReport> byName, String key) {
        return perGroupBars(byName, key, SummaryMetric.FIELD_ACCURACY);
    }

    /** {@code metric} per value of group {@code key}, one series per model. */
    public static CategoryChart perGroupBars(Map<String, EvalReport> byName, String key, SummaryMetric metric) {
        requireReports(byName);
        Set<String> values = new java.util.TreeSet<>();
        byName.values().forEach(r -> values.addAll(r.perGroup(key).keySet()));
        CategoryChart chart = newChart(metric.key() + " by " + key, key, metric.key(), metric != SummaryMetric.N);
        List<String> x = new ArrayList<>(values);
        byName.forEach((name, report) -> {
            Map<String, EvalMetrics> groups = report.perGroup(key);
            List<Double> y = new ArrayList<>();
            for (String v : x) {
                EvalMetrics m = groups.get(v);
                y.add(m == null ? 0.0 : metric.of(m));
            }
            chart.addSeries(name, x, y);
        });
        return chart;
    }

    /** Saves {@code chart} as a PNG via a temporary sibling file and an atomic rename. */
    public static void saveAsPng(Chart<?, ?> chart, Path file) {
        Path target = file.toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
            try {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + file, e);
        }
    }

    private static CategoryChart newChart(String title, String xTitle, String yTitle, boolean unitRange) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setYAxisMin(0.0);
        if (unitRange) {
            chart.getStyler().setYAxisMax(1.0);
        }
        chart.getStyler().setXAxisLabelRotation(45);
        return chart;
    }

    private static void requireReports(Map<String, EvalReport> byName) {
        if (byName.isEmpty()) {
            throw new IllegalArgumentException("need at least one report to chart");
        }
    }
}
