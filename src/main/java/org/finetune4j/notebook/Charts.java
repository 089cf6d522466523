package org.finetune4j.notebook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.finetune4j.data.DatasetStats;
import org.finetune4j.eval.EvalReport;
import org.finetune4j.eval.SummaryMetric;
import org.finetune4j.peft.TechniqueReport;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * Bar charts of the notebooks: the technique comparison (steps 3 and 9; one bar group per technique, named by the
 * map key so two LoRA variants can sit side by side, in map order), summary metrics of several evaluations, and the
 * sample-length histogram of step 4.
 */
public final class Charts {

    private static final int WIDTH = 800;
    private static final int HEIGHT = 450;
    private static final double MB = 1e6;

    private Charts() {}

    /**
     * Trainable parameters per technique on a logarithmic axis (full fine-tuning and BitFit differ by orders of
     * magnitude); series {@code trainable parameters}. Techniques with zero trainable parameters are plotted as 1
     * so the log axis stays defined.
     */
    public static CategoryChart trainableParameters(Map<String, TechniqueReport> reports) {
        requireReports(reports);
        CategoryChart chart = newChart("Trainable parameters", "parameters (log scale)");
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(1.0);
        List<String> names = new ArrayList<>(reports.keySet());
        List<Double> trainable = new ArrayList<>();
        reports.values().forEach(r -> trainable.add((double) Math.max(1, r.trainableParameters())));
        chart.addSeries("trainable parameters", names, trainable);
        return chart;
    }

    /**
     * Memory per technique in MB (10^6 bytes), stacked: {@code frozen weights}, {@code trainable weights},
     * {@code optimizer state} — the three terms of {@link TechniqueReport}.
     */
    public static CategoryChart memory(Map<String, TechniqueReport> reports) {
        requireReports(reports);
        CategoryChart chart = newChart("Training memory (weights + AdamW state)", "MB");
        chart.getStyler().setStacked(true);
        List<String> names = new ArrayList<>(reports.keySet());
        List<Double> frozen = new ArrayList<>();
        List<Double> trainable = new ArrayList<>();
        List<Double> optimizer = new ArrayList<>();
        for (TechniqueReport r : reports.values()) {
            frozen.add(r.frozenBytes() / MB);
            trainable.add(r.trainableBytes() / MB);
            optimizer.add(r.optimizerStateBytes() / MB);
        }
        chart.addSeries("frozen weights", names, frozen);
        chart.addSeries("trainable weights", names, trainable);
        chart.addSeries("optimizer state", names, optimizer);
        return chart;
    }

    /**
     * One bar per name ({@code values} in map order), a single series named after {@code yTitle}; for simple
     * per-technique numbers such as training time.
     */
    public static CategoryChart bars(String title, String yTitle, Map<String, ? extends Number> values) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("need at least one value for chart '" + title + "'");
        }
        CategoryChart chart = newChart(title, yTitle);
        chart.getStyler().setLegendVisible(false);
        List<Double> y = new ArrayList<>();
        values.values().forEach(v -> y.add(v.doubleValue()));
        chart.addSeries(yTitle, new ArrayList<>(values.keySet()), y);
        return chart;
    }

    /**
     * Summary metrics of several evaluations side by side: x = the map keys (techniques or models), one series per
     * metric (its {@link SummaryMetric#key()}), y from 0 to 1 unless a metric is {@link SummaryMetric#N}.
     */
    public static CategoryChart evalMetrics(Map<String, EvalReport> byName, SummaryMetric... metrics) {
        if (byName == null || byName.isEmpty()) {
            throw new IllegalArgumentException("need at least one evaluation report");
        }
        if (metrics.length == 0) {
            throw new IllegalArgumentException("need at least one metric");
        }
        CategoryChart chart = newChart("JSON objective", "rate");
        if (java.util.Arrays.stream(metrics).noneMatch(m -> m == SummaryMetric.N)) {
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setYAxisMax(1.0);
        }
        List<String> names = new ArrayList<>(byName.keySet());
        for (SummaryMetric m : metrics) {
            List<Double> y = new ArrayList<>();
            byName.values().forEach(r -> y.add(m.of(r.overall())));
            chart.addSeries(m.key(), names, y);
        }
        return chart;
    }

    /**
     * Histogram of sample lengths in tokens (step 4): bars of {@link DatasetStats#lengthHistogram(int)}, labelled by
     * the bin's first length.
     */
    public static CategoryChart lengthHistogram(DatasetStats stats, int binWidth) {
        tech.tablesaw.api.Table bins = stats.lengthHistogram(binWidth);
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title("Sample lengths")
                .xAxisTitle("tokens (bin start, width " + binWidth + ")").yAxisTitle("samples").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(45);
        chart.getStyler().setAvailableSpaceFill(0.95);
        List<String> x = new ArrayList<>();
        List<Integer> y = new ArrayList<>();
        for (int row = 0; row < bins.rowCount(); row++) {
            x.add(Integer.toString(bins.intColumn("from").getInt(row)));
            y.add(bins.intColumn("samples").getInt(row));
        }
        chart.addSeries("samples", x, y);
        return chart;
    }

    /** The chart as PNG bytes (for notebook display or files). */
    public static byte[] png(Chart<?, ?> chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode chart '" + chart.getTitle() + "' as PNG", e);
        }
        return out.toByteArray();
    }

    private static CategoryChart newChart(String title, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("technique").yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setXAxisLabelRotation(20);
        return chart;
    }

    private static void requireReports(Map<String, TechniqueReport> reports) {
        if (reports == null || reports.isEmpty()) {
            throw new IllegalArgumentException("need at least one technique report");
        }
    }
}
