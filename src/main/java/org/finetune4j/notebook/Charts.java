package org.finetune4j.notebook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.finetune4j.peft.TechniqueReport;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * Bar charts for the technique comparison (step 3 of the guide): one bar group per technique, named by the map key
 * (so two LoRA variants can sit side by side), in map order.
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
