package org.finetune4j.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;

/** The engine-side mask of {@link LlamaForCausalLM#buildMask} against masks written out in Java. */
class AttentionMaskTest {
    private static final int P = ForwardInput.PADDING;
    private static final int S = ForwardInput.SHARED;

    /**
     * Two shared (virtual) tokens, then samples 0 and 1, then a pad, drawn by hand: shared tokens see each
     * other causally; each sample sees the shared tokens and its own earlier tokens; the pad sees nothing.
     */
    @Test
    void sharedLabelsGivePromptTuningVisibility() {
        int[][] labels = {{S, S, 0, 0, 1, 1, P}};
        String[] expected = {
            "x......",
            "xx.....",
            "xxx....",
            "xxxx...",
            "xx..x..",
            "xx..xx.",
            "......."};
        try (NDManager m = Djl.engine().newBaseManager()) {
            boolean[][][] got = visibility(LlamaForCausalLM.buildMask(m, labels, 1, 7, 0, 0), 1, 7, 7);
            for (int q = 0; q < 7; q++) {
                StringBuilder row = new StringBuilder();
                for (int k = 0; k < 7; k++) {
                    row.append(got[0][q][k] ? 'x' : '.');
                }
                assertEquals(expected[q], row.toString(), "query " + q);
            }
        }
    }

    /** Random labels (shared, samples, padding), with cached keys and prefix columns, against a loop reference. */
    @Test
    void engineMaskEqualsJavaReferenceForRandomLabels() {
        Random rnd = new Random(7);
        try (NDManager m = Djl.engine().newBaseManager()) {
            for (int trial = 0; trial < 40; trial++) {
                int b = 1 + rnd.nextInt(3);
                int t = 1 + rnd.nextInt(6);
                int past = trial % 3 == 0 ? 0 : rnd.nextInt(4);
                int prefix = trial % 4 == 0 ? 1 + rnd.nextInt(3) : 0;
                int[][] labels = new int[b][past + t];
                for (int r = 0; r < b; r++) {
                    for (int j = 0; j < past + t; j++) {
                        labels[r][j] = rnd.nextInt(5) - 2; // SHARED, PADDING, 0, 1, 2
                    }
                }
                try (NDManager step = m.newSubManager()) {
                    NDArray mask = LlamaForCausalLM.buildMask(step, labels, b, t, past, prefix);
                    boolean[][][] got = mask == null ? allVisible(b, t, prefix + past + t)
                            : visibility(mask, b, t, prefix + past + t);
                    boolean[][][] want = reference(labels, b, t, past, prefix);
                    for (int r = 0; r < b; r++) {
                        for (int q = 0; q < t; q++) {
                            assertArrayEquals(want[r][q], got[r][q], "trial " + trial + " row " + r + " query " + q);
                        }
                    }
                }
            }
        }
    }

    /** A decode step whose query may see every key (shared columns included) needs no mask at all. */
    @Test
    void singleStepSeeingEveryKeyHasNoMask() {
        try (NDManager m = Djl.engine().newBaseManager()) {
            assertNull(LlamaForCausalLM.buildMask(m, new int[][] {{S, S, 0, 0, 0}}, 1, 1, 4, 0));
            assertNull(LlamaForCausalLM.buildMask(m, null, 2, 1, 4, 3));
            NDArray padded = LlamaForCausalLM.buildMask(m, new int[][] {{S, P, 0, 0}}, 1, 1, 3, 0);
            assertArrayEquals(new boolean[] {true, false, true, true}, visibility(padded, 1, 1, 4)[0][0]);
        }
    }

    @Test
    void unknownNegativeLabelIsRejected() {
        try (NDManager m = Djl.engine().newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LlamaForCausalLM.buildMask(m, new int[][] {{0, -3, 0}}, 1, 3, 0, 0));
            assertTrue(e.getMessage().contains("position 1"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> LlamaForCausalLM.buildMask(m, new int[][] {{0, 0}}, 1, 3, 0, 0));
        }
    }

    /** Written from the rule in ForwardInput's comment, one key at a time. */
    private static boolean[][][] reference(int[][] labels, int b, int t, int past, int prefix) {
        boolean[][][] v = new boolean[b][t][prefix + past + t];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) {
                int q = past + i;
                int ql = labels[r][q];
                if (ql == -1) {
                    continue; // padding sees nothing
                }
                for (int c = 0; c < prefix; c++) {
                    v[r][i][c] = true;
                }
                for (int k = 0; k <= q; k++) {
                    int kl = labels[r][k];
                    v[r][i][prefix + k] = kl == ql || kl == -2;
                }
            }
        }
        return v;
    }

    /** (B, 1, T, Tk) additive mask -> visible flags; also checks its values are only 0 and -MAX. */
    private static boolean[][][] visibility(NDArray mask, int b, int t, int tk) {
        assertArrayEquals(new long[] {b, 1, t, tk}, mask.getShape().getShape());
        float[] f = mask.toFloatArray();
        boolean[][][] v = new boolean[b][t][tk];
        for (int r = 0; r < b; r++) {
            for (int q = 0; q < t; q++) {
                for (int k = 0; k < tk; k++) {
                    float x = f[(r * t + q) * tk + k];
                    assertTrue(x == 0f || x == -Float.MAX_VALUE, "mask value " + x);
                    v[r][q][k] = x == 0f;
                }
            }
        }
        return v;
    }

    private static boolean[][][] allVisible(int b, int t, int tk) {
        boolean[][][] v = new boolean[b][t][tk];
        for (boolean[][] row : v) {
            for (boolean[] q : row) {
                java.util.Arrays.fill(q, true);
            }
        }
        return v;
    }
}
