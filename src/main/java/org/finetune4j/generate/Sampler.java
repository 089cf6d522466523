package org.finetune4j.generate;

import java.util.Arrays;
import java.util.Random;

/**
 * Picks the next token from one row of logits, in HF's processing order: repetition penalty,
 * temperature, top-k, top-p, then a draw (or argmax when greedy). Works on Java arrays: the logits of
 * one position are small next to the forward pass that made them.
 */
public final class Sampler {
    private final SamplingConfig config;
    private final Random random;

    public Sampler(SamplingConfig config) {
        this.config = config;
        this.random = new Random(config.seed());
    }

    /**
     * @param logits (V) scores of the next token; modified in place
     * @param seen   tokens already in the sequence (prompt and generated), for the repetition penalty
     */
    public long next(float[] logits, long[] seen, int seenLength) {
        if (config.repetitionPenalty() != 1.0) {
            applyRepetitionPenalty(logits, seen, seenLength, (float) config.repetitionPenalty());
        }
        if (config.greedy()) {
            return argmax(logits);
        }
        int v = logits.length;
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a])); // descending, stable for ties
        int keep = config.topK() > 0 ? Math.min(config.topK(), v) : v;
        double max = logits[order[0]] / config.temperature();
        double[] p = new double[keep];
        double z = 0;
        for (int i = 0; i < keep; i++) {
            p[i] = Math.exp(logits[order[i]] / config.temperature() - max);
            z += p[i];
        }
        if (config.topP() < 1.0) { // smallest prefix whose mass reaches top-p (at least one token)
            double cum = 0;
            int cut = keep;
            for (int i = 0; i < keep; i++) {
                cum += p[i] / z;
                if (cum >= config.topP()) {
                    cut = i + 1;
                    break;
                }
            }
            keep = cut;
            z = 0;
            for (int i = 0; i < keep; i++) {
                z += p[i];
            }
        }
        double u = random.nextDouble() * z;
        for (int i = 0; i < keep; i++) {
            u -= p[i];
            if (u <= 0) {
                return order[i];
            }
        }
        return order[keep - 1];
    }

    /** CTRL-style penalty as HF applies it: positive scores divided, negative ones multiplied. */
    static void applyRepetitionPenalty(float[] logits, long[] seen, int n, float penalty) {
        boolean[] done = new boolean[logits.length];
        for (int i = 0; i < n; i++) {
            int t = (int) seen[i];
            if (t >= 0 && t < logits.length && !done[t]) {
                done[t] = true;
                logits[t] = logits[t] < 0 ? logits[t] * penalty : logits[t] / penalty;
            }
        }
    }

    /** Index of the largest value; the first one on ties, like torch.argmax. */
    public static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }
}
