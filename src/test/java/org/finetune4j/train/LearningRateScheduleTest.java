package org.finetune4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void warmupRisesLinearlyFromZero() {
        LearningRateSchedule s = new LearningRateSchedule(ScheduleType.CONSTANT, 1e-3, 4);
        assertEquals(0.0, s.lr(0, 10), 0);
        assertEquals(0.25e-3, s.lr(1, 10), 1e-18);
        assertEquals(0.75e-3, s.lr(3, 10), 1e-18);
        assertEquals(1e-3, s.lr(4, 10), 0);
        assertEquals(1e-3, s.lr(9, 10), 0);
    }

    @Test
    void linearDecaysToZeroAtTheEnd() {
        // after 2 warm-up steps, 8 steps decay: lr = peak (10 - s) / 8
        LearningRateSchedule s = new LearningRateSchedule(ScheduleType.LINEAR, 0.8, 2);
        assertEquals(0.4, s.lr(1, 10), 1e-15);
        assertEquals(0.8, s.lr(2, 10), 1e-15);
        assertEquals(0.6, s.lr(4, 10), 1e-15);
        assertEquals(0.1, s.lr(9, 10), 1e-15);
        assertEquals(0.0, s.lr(10, 10), 0);
    }

    @Test
    void cosineFollowsHalfACosine() {
        LearningRateSchedule s = new LearningRateSchedule(ScheduleType.COSINE, 2.0, 0);
        assertEquals(2.0, s.lr(0, 8), 1e-15);
        assertEquals(1.0 + Math.cos(Math.PI / 4), s.lr(2, 8), 1e-15); // 2 · ½(1 + cos(π·2/8))
        assertEquals(1.0, s.lr(4, 8), 1e-15);
        assertEquals(1.0 + Math.cos(3 * Math.PI / 4), s.lr(6, 8), 1e-15);
        assertEquals(0.0, s.lr(8, 8), 1e-15);
        assertEquals(0.0, s.lr(12, 8), 1e-15); // past the end it stays at 0
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(ScheduleType.LINEAR, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(ScheduleType.LINEAR, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(ScheduleType.LINEAR, 1, 0).lr(-1, 5));
    }
}
