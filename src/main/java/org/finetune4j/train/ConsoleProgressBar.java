package org.finetune4j.train;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A console progress bar over optimizer steps with ETA and an extra message showing loss, learning
 * rate and tokens/s. The bar is given a fixed width and ASCII style, so it never asks a terminal for its
 * size and works when output is redirected to a file or a CI log.
 */
public final class ConsoleProgressBar implements TrainingListener {
    private final PrintStream out;
    private final int width;
    private ProgressBar bar;
    private String lastMessage = "";

    /** Renders to {@code System.err}, 120 columns wide. */
    public ConsoleProgressBar() {
        this(System.err, 120);
    }

    public ConsoleProgressBar(PrintStream out, int width) {
        this.out = out;
        this.width = width;
    }

    @Override
    public void onTrainStart(int startStep, int totalSteps) {
        bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(totalSteps).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(out, width)).setUpdateIntervalMillis(500)
                .startsFrom(startStep, java.time.Duration.ZERO).build();
    }

    @Override
    public void onStepEnd(StepEvent e) {
        if (bar == null) {
            return;
        }
        lastMessage = e.skipped() ? String.format(Locale.ROOT, "step %d skipped (non-finite)", e.step())
                : String.format(Locale.ROOT, "loss %.4f lr %.2e %.0f tok/s", e.loss(), e.lr(), e.tokensPerSecond());
        bar.setExtraMessage(lastMessage);
        bar.stepTo(e.step());
    }

    @Override
    public void onEvaluation(EvalEvent e) {
        if (bar != null && Double.isFinite(e.validationLoss())) {
            bar.setExtraMessage(lastMessage + String.format(Locale.ROOT, " val %.4f", e.validationLoss()));
        }
    }

    @Override
    public void onTrainEnd(TrainingResult result) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    /** The step the bar shows (for tests and status lines); -1 when not running. */
    public long current() {
        return bar == null ? -1 : bar.getCurrent();
    }
}
