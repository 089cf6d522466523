package org.finetune4j.notebook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.finetune4j.train.EvalEvent;
import org.finetune4j.train.StepEvent;
import org.finetune4j.train.TrainingListener;
import org.finetune4j.train.TrainingResult;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A training listener that keeps the loss curve and the latest progress numbers so a notebook can show them while
 * the run goes on: {@link #chart()} draws training loss per step and validation loss points, {@link #progressHtml()}
 * renders an HTML {@code <progress>} block with step/total, loss, learning rate, tokens/s and ETA.
 *
 * <p>The view knows nothing about Jupyter. A front end (the kernel extension's {@code Live.attach}) installs an
 * {@link #setOnUpdate on-update hook}; the view calls it on the training thread at most once per
 * {@code updateInterval} (so a fast loop does not flood the notebook), and always for the final step, the end of
 * training, and the first step. All methods are meant to be called from one thread (the training thread, which in
 * a notebook is the cell's own thread); the getters return snapshots.
 */
public final class LiveTrainingView implements TrainingListener {

    /** Default minimum time between two calls of the on-update hook. */
    public static final Duration DEFAULT_UPDATE_INTERVAL = Duration.ofMillis(500);

    private final String title;
    private final int width;
    private final int height;
    private final long updateIntervalNanos;
    private final LongSupplier nanoClock;
    private Consumer<LiveTrainingView> onUpdate;

    private final List<Integer> trainSteps = new ArrayList<>();
    private final List<Double> trainLosses = new ArrayList<>();
    private final List<Integer> validationSteps = new ArrayList<>();
    private final List<Double> validationLosses = new ArrayList<>();
    private int startStep;
    private int totalSteps;
    private StepEvent lastStep;
    private EvalEvent lastEvaluation;
    private TrainingResult result;
    private long lastUpdateNanos;
    private boolean updatedOnce;
    private int updateCount;

    private LiveTrainingView(Builder b) {
        this.title = b.title;
        this.width = b.width;
        this.height = b.height;
        this.updateIntervalNanos = b.updateInterval.toNanos();
        this.nanoClock = b.nanoClock;
        this.onUpdate = b.onUpdate;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A view with the default title, size and update interval, and no hook yet. */
    public static LiveTrainingView create() {
        return builder().build();
    }

    /** Replaces the hook called (throttled) after steps and evaluations; {@code null} removes it. */
    public void setOnUpdate(Consumer<LiveTrainingView> onUpdate) {
        this.onUpdate = onUpdate;
    }

    /** Number of times the on-update hook has been called. */
    public int updateCount() {
        return updateCount;
    }

    // ------------------------------------------------------------------ listener

    @Override
    public void onTrainStart(int startStep, int totalSteps) {
        if (totalSteps < 0 || startStep < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got start " + startStep + " total " + totalSteps);
        }
        this.startStep = startStep;
        this.totalSteps = totalSteps;
        this.result = null;
        this.updatedOnce = false;
    }

    @Override
    public void onStepEnd(StepEvent event) {
        lastStep = event;
        if (!event.skipped() && Double.isFinite(event.loss())) {
            trainSteps.add(event.step());
            trainLosses.add(event.loss());
        }
        maybeUpdate(totalSteps > 0 && event.step() >= totalSteps);
    }

    @Override
    public void onEvaluation(EvalEvent event) {
        lastEvaluation = event;
        if (Double.isFinite(event.validationLoss())) {
            validationSteps.add(event.step());
            validationLosses.add(event.validationLoss());
        }
        maybeUpdate(totalSteps > 0 && event.step() >= totalSteps);
    }

    @Override
    public void onTrainEnd(TrainingResult result) {
        this.result = result;
        maybeUpdate(true);
    }

    private void maybeUpdate(boolean force) {
        long now = nanoClock.getAsLong();
        if (!force && updatedOnce && now - lastUpdateNanos < updateIntervalNanos) {
            return;
        }
        lastUpdateNanos = now;
        updatedOnce = true;
        updateCount++;
        if (onUpdate != null) {
            onUpdate.accept(this);
        }
    }

    // ------------------------------------------------------------------ state

    /** Steps of the finite training losses, in arrival order. */
    public List<Integer> trainSteps() {
        return List.copyOf(trainSteps);
    }

    /** Finite training losses (skipped / non-finite steps are left out), parallel to {@link #trainSteps()}. */
    public List<Double> trainLosses() {
        return List.copyOf(trainLosses);
    }

    public List<Integer> validationSteps() {
        return List.copyOf(validationSteps);
    }

    public List<Double> validationLosses() {
        return List.copyOf(validationLosses);
    }

    /** Steps completed so far (the resumed step before the first event). */
    public int step() {
        return lastStep == null ? startStep : lastStep.step();
    }

    public int totalSteps() {
        return totalSteps;
    }

    /** Whether {@link #onTrainEnd} has been called for the current run. */
    public boolean finished() {
        return result != null;
    }

    /**
     * Estimated time left: the run's elapsed time per completed step times the steps still to go; empty before the
     * first step, and zero once done.
     */
    public java.util.Optional<Duration> eta() {
        if (lastStep == null || lastStep.step() <= 0) {
            return java.util.Optional.empty();
        }
        int left = Math.max(0, totalSteps - lastStep.step());
        if (result != null) {
            left = 0;
        }
        double nanosPerStep = (double) lastStep.elapsed().toNanos() / lastStep.step();
        return java.util.Optional.of(Duration.ofNanos(Math.round(nanosPerStep * left)));
    }

    // ------------------------------------------------------------------ rendering

    /**
     * A fresh line chart: series {@code train} (loss per step, line) and, once there is one, {@code validation}
     * (points). A chart with no data yet has a single empty {@code train} series.
     */
    public XYChart chart() {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle("step")
                .yAxisTitle("loss").build();
        chart.getStyler().setLegendVisible(!trainSteps.isEmpty());
        chart.getStyler().setXAxisMin(0.0);
        if (totalSteps > 0) {
            chart.getStyler().setXAxisMax((double) totalSteps);
        }
        if (trainSteps.isEmpty()) {
            XYSeries s = chart.addSeries("train", new double[] {0}, new double[] {0});
            s.setMarker(SeriesMarkers.NONE);
            s.setShowInLegend(false);
            s.setLineColor(new java.awt.Color(0, 0, 0, 0));
        } else {
            XYSeries train = chart.addSeries("train", trainSteps, trainLosses);
            train.setMarker(trainSteps.size() > 1 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        }
        if (!validationSteps.isEmpty()) {
            XYSeries val = chart.addSeries("validation", validationSteps, validationLosses);
            val.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            val.setMarker(SeriesMarkers.DIAMOND);
        }
        return chart;
    }

    /**
     * An HTML block: a {@code <progress>} bar and a line with step/total, last loss, last validation loss, learning
     * rate, tokens/s, elapsed time and ETA (and the run's status once it ended). Numbers use {@link Locale#ROOT}.
     */
    public String progressHtml() {
        int step = step();
        StringBuilder html = new StringBuilder(512);
        html.append("<div class=\"finetune4j-progress\" style=\"font-family:monospace\">");
        html.append("<progress value=\"").append(step).append("\" max=\"").append(Math.max(totalSteps, 1))
                .append("\" style=\"width:60%\"></progress> ");
        html.append("<span class=\"step\">step ").append(step).append('/').append(totalSteps);
        if (totalSteps > 0) {
            html.append(String.format(Locale.ROOT, " (%.0f%%)", 100.0 * step / totalSteps));
        }
        html.append("</span><br/>");
        List<String> parts = new ArrayList<>();
        if (lastStep != null) {
            parts.add(lastStep.skipped() || !Double.isFinite(lastStep.loss()) ? "loss skipped (non-finite)"
                    : String.format(Locale.ROOT, "loss %.4f", lastStep.loss()));
        }
        if (!validationLosses.isEmpty()) {
            parts.add(String.format(Locale.ROOT, "val loss %.4f", validationLosses.get(validationLosses.size() - 1)));
        }
        if (lastStep != null) {
            parts.add(String.format(Locale.ROOT, "lr %.2e", lastStep.lr()));
            parts.add(String.format(Locale.ROOT, "%.0f tok/s", lastStep.tokensPerSecond()));
            parts.add("elapsed " + clock(lastStep.elapsed()));
        }
        eta().ifPresent(d -> parts.add("ETA " + clock(d)));
        if (result != null) {
            parts.add("status " + result.status());
        }
        html.append("<span class=\"metrics\">").append(String.join(" · ", parts)).append("</span></div>");
        return html.toString();
    }

    /** One plain-text line with the same numbers as {@link #progressHtml()}. */
    public String progressText() {
        String html = progressHtml();
        return html.replaceAll("<br/>", " | ").replaceAll("<[^>]+>", "").replace(" · ", ", ").trim();
    }

    /** {@code h:mm:ss} (or {@code m:ss} under an hour). */
    static String clock(Duration d) {
        long s = Math.max(0, d.toSeconds());
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }

    @Override
    public String toString() {
        return "LiveTrainingView[" + progressText() + "]";
    }

    /** Builder in DJL style. */
    public static final class Builder {
        private String title = "Training loss";
        private int width = 720;
        private int height = 400;
        private Duration updateInterval = DEFAULT_UPDATE_INTERVAL;
        private LongSupplier nanoClock = System::nanoTime;
        private Consumer<LiveTrainingView> onUpdate;

        private Builder() {}

        public Builder optTitle(String title) {
            this.title = Objects.requireNonNull(title, "title");
            return this;
        }

        public Builder optSize(int width, int height) {
            if (width < 100 || height < 100) {
                throw new IllegalArgumentException("chart size must be at least 100x100, got " + width + "x" + height);
            }
            this.width = width;
            this.height = height;
            return this;
        }

        /** Minimum time between two hook calls (forced ones excepted); zero calls it on every event. */
        public Builder optUpdateInterval(Duration interval) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("update interval must be >= 0, got " + interval);
            }
            this.updateInterval = interval;
            return this;
        }

        /** Clock for the throttle, in nanoseconds (tests pass a fake one). */
        public Builder optClock(LongSupplier nanoClock) {
            this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        public Builder optOnUpdate(Consumer<LiveTrainingView> onUpdate) {
            this.onUpdate = onUpdate;
            return this;
        }

        public LiveTrainingView build() {
            return new LiveTrainingView(this);
        }
    }
}
