package org.finetune4j.peft.qlora;

/** Float32 helpers that reproduce libtorch's CPU arithmetic where bitsandbytes' tables depend on it. */
final class Float32 {
    private Float32() {}

    /**
     * {@code torch.linspace(start, end, steps, dtype=float32)} with libtorch's scalar CPU formula: a
     * float32 step {@code (end − start)/(steps − 1)}; the first half counts up from {@code start}, the
     * second half counts down from {@code end}, so both ends are exact.
     */
    static float[] linspace(float start, float end, int steps) {
        if (steps < 2) {
            throw new IllegalArgumentException("linspace needs at least 2 steps, got " + steps);
        }
        float step = (end - start) / (float) (steps - 1);
        int halfway = steps / 2;
        float[] out = new float[steps];
        for (int i = 0; i < steps; i++) {
            out[i] = i < halfway ? start + step * (float) i : end - step * (float) (steps - i - 1);
        }
        return out;
    }
}
