package org.finetune4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.finetune4j.data.TokenBatch;
import org.finetune4j.model.llama.ForwardInput;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;

class CausalLmLossTest {

    /** Position t scores label t+1: the rows are those whose next label is not IGNORE, in order. */
    @Test
    void scoredRowsArePositionsBeforeEachLabel() {
        TokenBatch b = TinyModels.batch(3, 0, 5); // row 0 all labels, row 1 labels from t = 5 on
        int t = TinyModels.T;
        CausalLmLoss.Scored scored = CausalLmLoss.scored(b);
        long[] rows = scored.rows();
        assertEquals((t - 1) + (t - 5), rows.length);
        for (int k = 0; k < rows.length; k++) { // each row's target is the label one position later
            assertEquals(b.labels()[(int) (rows[k] / t)][(int) (rows[k] % t) + 1], scored.targets()[k]);
        }
        assertEquals(0, rows[0]);
        assertEquals(t - 2, rows[t - 2]); // last scored position of row 0 is T-2
        assertEquals(t + 4, rows[t - 1]); // row 1 starts scoring at position 4 (predicting label 5)
    }

    /** Logits at the scored rows only give the loss of logits everywhere (CheckpointedBackpropTest compares the gradients). */
    @Test
    void scoredLogitsEqualFullLogits() {
        TokenBatch batch = TinyModels.batch(7, 2, 9, 0);
        LlamaForCausalLM model = TinyModels.model(5);
        try (NDManager step = Djl.engine().newBaseManager()) {
            ForwardInput in = StandardBackprop.input(batch, step);
            NDArray full = model.forward(in); // (B, T, V)
            CausalLmLoss.Scored rows = CausalLmLoss.scored(batch);
            NDArray scored = model.forward(in.toBuilder().optLogitRows(rows.rows()).build()); // (K, V)
            assertEquals(new Shape(rows.count(), TinyModels.VOCAB), scored.getShape());
            double a = CausalLmLoss.sum(full, batch, step).toType(DataType.FLOAT64, false).getDouble();
            double b = CausalLmLoss.sumScored(scored, rows, step).toType(DataType.FLOAT64, false).getDouble();
            assertEquals(a, b, 1e-4 * Math.abs(a));
            assertEquals(batch.targetCount(), rows.count());
        }
    }

    @Test
    void rowCountMismatchIsAnError() {
        TokenBatch batch = TinyModels.batch(1, 0);
        try (NDManager step = Djl.engine().newBaseManager()) {
            NDArray logits = step.zeros(new Shape(3, TinyModels.VOCAB));
            assertThrows(IllegalArgumentException.class, () -> CausalLmLoss.sumScored(logits, CausalLmLoss.scored(batch), step));
        }
    }

    @Test
    void emptyOrGenerationRowsAreRejected() {
        try (NDManager step = Djl.engine().newBaseManager()) {
            NDArray ids = step.create(new long[] {1, 2, 3}, new Shape(1, 3));
            assertThrows(IllegalArgumentException.class, () -> ForwardInput.builder().setInputIds(ids)
                    .optLogitRows(new long[0]).build());
            assertThrows(IllegalArgumentException.class, () -> ForwardInput.builder().setInputIds(ids)
                    .optLogitRows(new long[] {0}).optLastPositionOnly(true).build());
            assertArrayEquals(new long[] {0, 1}, CausalLmLoss.scored(TokenBatch.ofFullRows(new long[][] {{1, 2, 3}})).rows());
        }
    }
}
