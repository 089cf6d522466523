package org.finetune4j.eval;

/** Told after each generation batch, e.g. to drive a progress bar in a notebook or CLI. */
@FunctionalInterface
public interface EvalProgressListener {

    /**
     * @param completed examples answered so far
     * @param total     examples in the run
     */
    void onProgress(int completed, int total);
}
