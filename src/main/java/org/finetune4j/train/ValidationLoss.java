package org.finetune4j.train;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import org.finetune4j.data.BatchSource;
import org.finetune4j.data.TokenBatch;

/** The mean loss per target token over held-out data, without gradients: what the trainer reports as validation. */
public final class ValidationLoss {
    private ValidationLoss() {}

    /**
     * Σ token losses / targets over every batch of epoch 0 of {@code data}, each batch in its own sub-manager of
     * {@code root}; NaN when the data have no target.
     */
    public static double mean(GradientComputer computer, BatchSource data, NDManager root) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        double sum = 0;
        long targets = 0;
        try {
            for (int i = 0; i < data.batchesPerEpoch(); i++) {
                TokenBatch b = data.batch(0, i);
                targets += b.targetCount();
                try (NDManager m = root.newSubManager()) {
                    sum += computer.lossSum(b, m);
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return targets > 0 ? sum / targets : Double.NaN;
    }
}
