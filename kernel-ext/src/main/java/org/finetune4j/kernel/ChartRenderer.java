package org.finetune4j.kernel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.finetune4j.notebook.Charts;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.rapaio.jupyter.kernel.display.DisplayData;
import org.rapaio.jupyter.kernel.display.DisplayRenderer;

/**
 * Any XChart chart: {@code image/png} plus a {@code text/plain} line by default; {@code image/svg+xml} on request
 * ({@code display("svg", chart)}; VectorGraphics2D already comes with XChart). SVG is not a default because
 * front ends prefer it over PNG and it makes saved notebooks several times larger.
 */
public final class ChartRenderer implements DisplayRenderer {

    @Override
    public Class<?> rendererClass() {
        return Chart.class;
    }

    @Override
    public boolean canRender(String mime) {
        return mime == null || Mime.parse(mime).filter(m -> m != Mime.HTML).isPresent();
    }

    @Override
    public DisplayData render(String mime, Object o) {
        Chart<?, ?> chart = (Chart<?, ?>) o;
        Mime requested = mime == null ? null : Mime.parse(mime).orElseThrow(
                () -> new IllegalArgumentException("charts render as png, svg or text, not " + mime));
        DisplayData dd = DisplayData.fromText(describe(chart));
        if (requested == null || requested == Mime.PNG) {
            dd.putData(Mime.PNG.longName(), pngBase64(chart));
        } else if (requested == Mime.SVG) {
            dd.putData(Mime.SVG.longName(), svg(chart));
        } else if (requested == Mime.HTML) {
            throw new IllegalArgumentException("charts render as png, svg or text, not " + mime);
        }
        return dd;
    }

    /** PNG of the chart, base64 (the encoding Jupyter expects for binary MIME types). */
    public static String pngBase64(Chart<?, ?> chart) {
        return Base64.getEncoder().encodeToString(Charts.png(chart));
    }

    static String svg(Chart<?, ?> chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode chart '" + chart.getTitle() + "' as SVG", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** e.g. {@code XYChart "Training loss" (720x400): train, validation}. */
    static String describe(Chart<?, ?> chart) {
        return chart.getClass().getSimpleName() + " \"" + chart.getTitle() + "\" (" + chart.getWidth() + "x"
                + chart.getHeight() + "): " + String.join(", ", chart.getSeriesMap().keySet());
    }
}
