package org.finetune4j.train;

/**
 * Learning rate per optimizer step, as HF's {@code get_*_schedule_with_warmup}: the rate of step
 * {@code s} (0-based) rises linearly from 0 over {@code warmupSteps} ({@code peak·s/warmup}), then follows
 * {@link ScheduleType} towards 0 at {@code totalSteps}.
 *
 * @param type        curve after warm-up
 * @param peak        rate at the end of warm-up
 * @param warmupSteps steps of linear warm-up (0 = none)
 */
public record LearningRateSchedule(ScheduleType type, double peak, int warmupSteps) {

    public LearningRateSchedule {
        if (type == null) {
            throw new IllegalArgumentException("schedule type is required");
        }
        if (!(peak >= 0) || Double.isInfinite(peak)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0: " + peak);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warm-up steps must be >= 0: " + warmupSteps);
        }
    }

    /**
     * @param step       0-based index of the optimizer step about to run
     * @param totalSteps optimizer steps in the whole run
     */
    public double lr(int step, int totalSteps) {
        if (step < 0 || totalSteps <= 0) {
            throw new IllegalArgumentException("step " + step + " of " + totalSteps);
        }
        if (step < warmupSteps) {
            return peak * step / warmupSteps;
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        return switch (type) {
            case CONSTANT -> peak;
            case LINEAR -> peak * Math.max(0, 1 - progress);
            case COSINE -> peak * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress))));
        };
    }
}
