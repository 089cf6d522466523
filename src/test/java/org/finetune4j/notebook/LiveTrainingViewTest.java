package org.finetune4j.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.finetune4j.train.EvalEvent;
import org.finetune4j.train.StepEvent;
import org.finetune4j.train.TrainingResult;
import org.finetune4j.train.TrainingStatus;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

class LiveTrainingViewTest {

    private static StepEvent step(int step, double loss, double elapsedSeconds) {
        return new StepEvent(step, 0, loss, 2e-4, 1.0, 1000, 1234.4, Duration.ofMillis(Math.round(elapsedSeconds * 1000)),
                !Double.isFinite(loss));
    }

    private static TrainingResult result(int steps, int total) {
        return new TrainingResult(TrainingStatus.COMPLETED, steps, total, 1.0, Double.NaN, -1, Double.NaN,
                Duration.ofSeconds(10), 1000L * steps, 0, 10, 80, List.of(), null);
    }

    @Test
    void throttlesHookButAlwaysReportsFirstAndLastStepAndEnd() {
        AtomicLong now = new AtomicLong();
        List<Integer> reportedSteps = new ArrayList<>();
        LiveTrainingView view = LiveTrainingView.builder().optUpdateInterval(Duration.ofMillis(500))
                .optClock(now::get).optOnUpdate(v -> reportedSteps.add(v.step())).build();
        view.onTrainStart(0, 10);
        for (int s = 1; s <= 10; s++) {
            now.set((s - 1) * 100_000_000L); // step s arrives at (s-1)·100 ms
            view.onStepEnd(step(s, 3.0 / s, s));
        }
        // 0 ms: first call; 500 ms (step 6): interval elapsed; step 10 (900 ms): last step, forced.
        assertEquals(List.of(1, 6, 10), reportedSteps);
        view.onTrainEnd(result(10, 10));
        assertEquals(List.of(1, 6, 10, 10), reportedSteps, "end of training is always reported");
        assertEquals(4, view.updateCount());
        assertTrue(view.finished());
    }

    @Test
    void zeroIntervalReportsEveryEvent() {
        List<Integer> calls = new ArrayList<>();
        LiveTrainingView view = LiveTrainingView.builder().optUpdateInterval(Duration.ZERO).optClock(() -> 0L)
                .optOnUpdate(v -> calls.add(v.step())).build();
        view.onTrainStart(0, 3);
        view.onStepEnd(step(1, 2, 1));
        view.onStepEnd(step(2, 1.5, 2));
        view.onEvaluation(new EvalEvent(2, 1.7, Map.of(), 1.7, 2, true));
        assertEquals(List.of(1, 2, 2), calls);
    }

    @Test
    void hookCanBeInstalledLater() {
        LiveTrainingView view = LiveTrainingView.create();
        view.onTrainStart(0, 2);
        view.onStepEnd(step(1, 2, 1));
        List<String> seen = new ArrayList<>();
        view.setOnUpdate(v -> seen.add(v.progressText()));
        view.onStepEnd(step(2, 1, 2)); // last step: forced
        assertEquals(1, seen.size());
        assertTrue(seen.get(0).contains("step 2/2"), seen.get(0));
    }

    @Test
    void keepsFiniteLossesAndValidationPoints() {
        LiveTrainingView view = LiveTrainingView.create();
        view.onTrainStart(0, 4);
        view.onStepEnd(step(1, 2.5, 1));
        view.onStepEnd(step(2, Double.NaN, 2)); // skipped
        view.onStepEnd(step(3, 2.0, 3));
        view.onEvaluation(new EvalEvent(3, 2.2, Map.of(), 2.2, 3, true));
        view.onEvaluation(new EvalEvent(3, Double.NaN, Map.of(), 2.2, 3, false)); // no validation data
        assertEquals(List.of(1, 3), view.trainSteps());
        assertEquals(List.of(2.5, 2.0), view.trainLosses());
        assertEquals(List.of(3), view.validationSteps());
        assertEquals(List.of(2.2), view.validationLosses());

        XYChart chart = view.chart();
        XYSeries train = chart.getSeriesMap().get("train");
        assertArrayEquals(new double[] {1, 3}, train.getXData());
        assertArrayEquals(new double[] {2.5, 2.0}, train.getYData());
        XYSeries val = chart.getSeriesMap().get("validation");
        assertEquals(XYSeries.XYSeriesRenderStyle.Scatter, val.getXYSeriesRenderStyle());
        assertArrayEquals(new double[] {2.2}, val.getYData());
        assertTrue(view.progressHtml().contains("loss 2.0000"), view.progressHtml());
    }

    @Test
    void chartRendersToPngBeforeAndDuringTraining() throws Exception {
        LiveTrainingView view = LiveTrainingView.builder().optSize(320, 200).build();
        assertPng(Charts.png(view.chart()), 320, 200); // no data yet
        view.onTrainStart(0, 20);
        for (int s = 1; s <= 20; s++) {
            view.onStepEnd(step(s, Math.exp(-s / 10.0), s));
        }
        view.onEvaluation(new EvalEvent(20, 0.2, Map.of(), 0.2, 20, true));
        assertPng(Charts.png(view.chart()), 320, 200);
    }

    static void assertPng(byte[] png, int width, int height) throws Exception {
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'},
                java.util.Arrays.copyOf(png, 8));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(width, image.getWidth());
        assertEquals(height, image.getHeight());
    }

    @Test
    void progressHtmlCarriesTheNumbers() {
        LiveTrainingView view = LiveTrainingView.create();
        view.onTrainStart(0, 40);
        assertTrue(view.eta().isEmpty());
        view.onStepEnd(new StepEvent(10, 0, 1.234567, 3e-4, 0.9, 512, 987.6, Duration.ofSeconds(20), false));
        view.onEvaluation(new EvalEvent(10, 1.5, Map.of(), 1.5, 10, true));
        String html = view.progressHtml();
        assertTrue(html.contains("<progress value=\"10\" max=\"40\""), html);
        assertTrue(html.contains("step 10/40 (25%)"), html);
        assertTrue(html.contains("loss 1.2346"), html);
        assertTrue(html.contains("val loss 1.5000"), html);
        assertTrue(html.contains("lr 3.00e-04"), html);
        assertTrue(html.contains("988 tok/s"), html);
        assertTrue(html.contains("elapsed 0:20"), html);
        // 2 s per step, 30 steps to go
        assertEquals(Duration.ofSeconds(60), view.eta().orElseThrow());
        assertTrue(html.contains("ETA 1:00"), html);
        assertFalse(view.progressText().contains("<"), view.progressText());

        view.onTrainEnd(result(10, 40));
        assertEquals(Duration.ZERO, view.eta().orElseThrow());
        assertTrue(view.progressHtml().contains("status COMPLETED"));
    }

    @Test
    void etaCountsTimeBeforeAResume() {
        LiveTrainingView view = LiveTrainingView.create();
        view.onTrainStart(50, 100);
        assertEquals(50, view.step());
        view.onStepEnd(step(51, 1.0, 5100)); // 100 s per step overall
        assertEquals(Duration.ofSeconds(4900), view.eta().orElseThrow());
        assertTrue(view.progressHtml().contains("ETA 1:21:40"), view.progressHtml());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> LiveTrainingView.builder().optSize(10, 10));
        assertThrows(IllegalArgumentException.class,
                () -> LiveTrainingView.builder().optUpdateInterval(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> LiveTrainingView.create().onTrainStart(0, -1));
    }
}
