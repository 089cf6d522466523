package org.finetune4j.kernel;

import static org.finetune4j.kernel.RenderAssertions.html;
import static org.finetune4j.kernel.RenderAssertions.png;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.finetune4j.notebook.LiveTrainingView;
import org.finetune4j.train.EvalEvent;
import org.finetune4j.train.StepEvent;
import org.junit.jupiter.api.Test;
import org.rapaio.jupyter.kernel.display.DisplayData;

class LiveTest {

    /** Records what the kernel would receive. */
    static final class RecordingSink implements DisplaySink {
        final List<DisplayData> displayed = new ArrayList<>();
        final List<String> updatedIds = new ArrayList<>();
        final List<DisplayData> updates = new ArrayList<>();

        @Override
        public String display(DisplayData data) {
            displayed.add(data);
            return "id-" + displayed.size();
        }

        @Override
        public void update(String id, DisplayData data) {
            updatedIds.add(id);
            updates.add(data);
        }
    }

    private static StepEvent step(int s) {
        return new StepEvent(s, 0, 2.0 / s, 1e-3, 1, 100, 500, Duration.ofSeconds(s), false);
    }

    @Test
    void attachCreatesTwoOutputsAndUpdatesThemInPlace() throws Exception {
        RecordingSink sink = new RecordingSink();
        LiveTrainingView view = LiveTrainingView.builder().optUpdateInterval(Duration.ZERO).build();
        Live.Handle handle = Live.attach(view, sink);
        assertEquals(2, sink.displayed.size());
        assertEquals("id-1", handle.chartDisplayId());
        assertEquals("id-2", handle.progressDisplayId());
        png(sink.displayed.get(0));
        assertTrue(html(sink.displayed.get(1)).contains("<progress"));

        view.onTrainStart(0, 5);
        for (int s = 1; s <= 5; s++) {
            view.onStepEnd(step(s));
        }
        view.onEvaluation(new EvalEvent(5, 0.3, Map.of(), 0.3, 5, true));
        assertEquals(2, sink.displayed.size(), "updates never create new outputs");
        assertEquals(12, sink.updates.size()); // 6 events × (chart + progress)
        for (int i = 0; i < sink.updatedIds.size(); i++) {
            assertEquals(i % 2 == 0 ? "id-1" : "id-2", sink.updatedIds.get(i));
        }
        String lastProgress = html(sink.updates.get(sink.updates.size() - 1));
        assertTrue(lastProgress.contains("step 5/5 (100%)"), lastProgress);
        assertTrue(lastProgress.contains("val loss 0.3000"), lastProgress);
        assertNotEquals(sink.displayed.get(0).data().get("image/png"),
                sink.updates.get(sink.updates.size() - 2).data().get("image/png"), "the chart was redrawn");
    }

    @Test
    void throttledViewSendsFewerUpdates() {
        RecordingSink sink = new RecordingSink();
        long[] now = {0};
        LiveTrainingView view = LiveTrainingView.builder().optUpdateInterval(Duration.ofSeconds(1))
                .optClock(() -> now[0]).build();
        Live.attach(view, sink);
        view.onTrainStart(0, 100);
        for (int s = 1; s <= 100; s++) {
            now[0] = s * 10_000_000L; // 10 ms per step → 1 s covers 100 steps
            view.onStepEnd(step(s));
        }
        // step 1 (first), step 100 (last; also exactly 990 ms later, forced anyway)
        assertEquals(4, sink.updates.size());
    }

    @Test
    void snapshotRendererEmbedsChartAndProgress() throws Exception {
        LiveTrainingView view = LiveTrainingView.create();
        view.onTrainStart(0, 2);
        view.onStepEnd(step(1));
        LiveTrainingViewRenderer r = new LiveTrainingViewRenderer();
        DisplayData dd = r.render(null, view);
        String html = html(dd);
        assertTrue(html.contains("<img alt=\"training loss\" src=\"data:image/png;base64,iVBORw0KGgo"), html.substring(0, 120));
        assertTrue(html.contains("step 1/2"));
        assertTrue(RenderAssertions.text(dd).contains("step 1/2"));
        assertTrue(r.canRender("png"));
        assertEquals(720, png(r.render("png", view)).getWidth());
    }
}
