package org.finetune4j.notebook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.finetune4j.bench.ProcessMemory;
import org.finetune4j.train.StepEvent;
import org.finetune4j.train.TrainingListener;

/**
 * Peak resident memory of one phase of this process (one technique's training and evaluation), in MB.
 *
 * <p>The kernel's high-water mark (VmHWM) only grows, so a second technique would inherit the first one's peak.
 * On Linux writing {@code 5} to {@code /proc/self/clear_refs} resets it; where that is not allowed the peak is the
 * largest RSS sampled at each training step instead (which can miss short spikes between samples).
 */
final class PeakRss implements TrainingListener {
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private final boolean highWaterMarkReset;
    private double sampledMb;

    private PeakRss(boolean highWaterMarkReset) {
        this.highWaterMarkReset = highWaterMarkReset;
        this.sampledMb = ProcessMemory.rssMb();
    }

    /** Starts a phase: resets the high-water mark when the kernel lets us. */
    static PeakRss start() {
        return new PeakRss(resetHighWaterMark());
    }

    private static boolean resetHighWaterMark() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return false;
        }
    }

    void sample() {
        sampledMb = Math.max(sampledMb, ProcessMemory.rssMb());
    }

    @Override
    public void onStepEnd(StepEvent event) {
        sample();
    }

    /** The phase's peak so far, or NaN where {@code /proc} is not available. */
    double peakMb() {
        sample();
        double peak = highWaterMarkReset ? Math.max(ProcessMemory.peakRssMb(), sampledMb) : sampledMb;
        return peak < 0 ? Double.NaN : peak;
    }
}
