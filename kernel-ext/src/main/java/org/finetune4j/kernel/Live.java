package org.finetune4j.kernel;

import java.util.Objects;
import java.util.function.Consumer;
import org.finetune4j.notebook.LiveTrainingView;
import org.rapaio.jupyter.kernel.display.DisplayData;

/**
 * Shows a {@link LiveTrainingView} as two outputs of the current cell — the loss chart and the progress block — and
 * updates both in place as training goes on (no new output per step):
 *
 * <pre>{@code
 * LiveTrainingView view = LiveTrainingView.create();
 * Live.attach(view);
 * trainer.addListener(view);   // or call view.onStepEnd(...) yourself
 * trainer.fit();               // in this cell's thread
 * }</pre>
 *
 * <p>Run the training loop in the cell's own thread: the kernel sends an output to whichever cell is executing when
 * it is produced, so updates from a background thread would land in a later cell or be dropped. The view throttles
 * updates (default 500 ms). Stop a run with its own limits (max steps or time) — interrupting this kernel breaks it;
 * use Kernel ▸ Restart instead.
 */
public final class Live {

    private Live() {}

    /** Displays the view in the current cell and installs the in-place update hook on it. */
    public static Handle attach(LiveTrainingView view) {
        return attach(view, DisplaySink.kernel());
    }

    /** As {@link #attach(LiveTrainingView)}, sending to {@code sink}. */
    public static Handle attach(LiveTrainingView view, DisplaySink sink) {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(sink, "sink");
        String chartId = sink.display(chart(view));
        String progressId = sink.display(progress(view));
        Handle handle = new Handle(sink, chartId, progressId);
        view.setOnUpdate(handle);
        return handle;
    }

    static DisplayData chart(LiveTrainingView view) {
        return new ChartRenderer().render(null, view.chart());
    }

    static DisplayData progress(LiveTrainingView view) {
        DisplayData dd = DisplayData.fromHtml(view.progressHtml());
        dd.putText(view.progressText());
        return dd;
    }

    /** The view's update hook: re-renders both outputs under their display ids. */
    public static final class Handle implements Consumer<LiveTrainingView> {
        private final DisplaySink sink;
        private final String chartDisplayId;
        private final String progressDisplayId;

        private Handle(DisplaySink sink, String chartDisplayId, String progressDisplayId) {
            this.sink = sink;
            this.chartDisplayId = chartDisplayId;
            this.progressDisplayId = progressDisplayId;
        }

        public String chartDisplayId() {
            return chartDisplayId;
        }

        public String progressDisplayId() {
            return progressDisplayId;
        }

        @Override
        public void accept(LiveTrainingView view) {
            sink.update(chartDisplayId, chart(view));
            sink.update(progressDisplayId, progress(view));
        }

        @Override
        public String toString() {
            return "Live[chart " + chartDisplayId + ", progress " + progressDisplayId + "]";
        }
    }
}
