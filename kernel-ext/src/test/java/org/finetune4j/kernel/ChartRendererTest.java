package org.finetune4j.kernel;

import static org.finetune4j.kernel.RenderAssertions.assertKeys;
import static org.finetune4j.kernel.RenderAssertions.png;
import static org.finetune4j.kernel.RenderAssertions.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.rapaio.jupyter.kernel.display.DisplayData;

class ChartRendererTest {

    private static XYChart line() {
        XYChart chart = new XYChartBuilder().width(300).height(200).title("loss <curve>").build();
        chart.addSeries("train", new double[] {1, 2, 3}, new double[] {3, 2, 1.5});
        return chart;
    }

    private final ChartRenderer renderer = new ChartRenderer();

    @Test
    void defaultIsPngPlusText() throws Exception {
        assertTrue(renderer.canRender(null));
        DisplayData dd = renderer.render(null, line());
        assertKeys(dd, "image/png", "text/plain");
        BufferedImage image = png(dd);
        assertEquals(300, image.getWidth());
        assertEquals(200, image.getHeight());
        assertEquals("XYChart \"loss <curve>\" (300x200): train", text(dd));
    }

    @Test
    void coversEveryXChartType() throws Exception {
        CategoryChart bars = new CategoryChartBuilder().width(250).height(150).title("bars").build();
        bars.addSeries("a", java.util.List.of("x", "y"), java.util.List.of(1, 2));
        assertTrue(renderer.rendererClass().isInstance(bars));
        assertEquals(250, png(renderer.render("png", bars)).getWidth());
    }

    @Test
    void svgOnRequest() {
        for (String mime : new String[] {"svg", "image/svg+xml"}) {
            assertTrue(renderer.canRender(mime));
            DisplayData dd = renderer.render(mime, line());
            assertKeys(dd, "image/svg+xml", "text/plain");
            String svg = (String) dd.data().get("image/svg+xml");
            assertTrue(svg.contains("<svg"), svg.substring(0, Math.min(200, svg.length())));
            // the title is text inside the SVG, so it must arrive escaped
            assertFalse(svg.contains("loss <curve>"));
        }
    }

    @Test
    void textOnlyAndRefusals() {
        assertKeys(renderer.render("text/plain", line()), "text/plain");
        assertFalse(renderer.canRender("text/html"));
        assertFalse(renderer.canRender("application/pdf"));
        assertThrows(IllegalArgumentException.class, () -> renderer.render("application/pdf", line()));
    }
}
