package org.finetune4j.kernel;

import static org.finetune4j.kernel.RenderAssertions.html;
import static org.finetune4j.kernel.RenderAssertions.png;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.ServiceLoader;
import org.finetune4j.notebook.LiveTrainingView;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.rapaio.jupyter.kernel.display.DisplayData;
import org.rapaio.jupyter.kernel.display.DisplaySystem;
import org.rapaio.jupyter.kernel.display.spi.DisplayProvider;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/** The kernel's own dispatch ({@link DisplaySystem}) finds our provider through the service file and uses it. */
class FinetuneDisplayProviderTest {

    @Test
    void serviceFileRegistersTheProvider() {
        List<Class<?>> providers = ServiceLoader.load(DisplayProvider.class).stream()
                .map(p -> (Class<?>) p.type()).collect(java.util.stream.Collectors.toList());
        assertTrue(providers.contains(FinetuneDisplayProvider.class), providers.toString());
    }

    @Test
    void renderersDoNotOverlap() {
        List<Class<?>> classes = new FinetuneDisplayProvider().getDisplayRenderers().stream()
                .map(r -> (Class<?>) r.rendererClass()).collect(java.util.stream.Collectors.toList());
        for (Class<?> a : classes) {
            for (Class<?> b : classes) {
                assertTrue(a == b || !a.isAssignableFrom(b), a + " shadows " + b);
            }
        }
    }

    @Test
    void kernelDisplaySystemUsesOurRenderers() throws Exception {
        XYChart chart = new XYChartBuilder().width(200).height(120).build();
        chart.addSeries("s", new double[] {0, 1}, new double[] {1, 0});
        DisplayData png = DisplaySystem.inst().render(chart);
        assertEquals(200, png(png).getWidth());

        DisplayData table = DisplaySystem.inst().render(Table.create("t", IntColumn.create("x", 7)));
        assertTrue(html(table).contains("<table class=\"tablesaw\">"));

        DisplayData live = DisplaySystem.inst().render(LiveTrainingView.create());
        assertTrue(html(live).contains("<progress"));
    }
}
