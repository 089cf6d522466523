package org.finetune4j.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NotebookBudgetTest {

    @Test
    void withoutVariablesTheFullGuideRuns() {
        assertEquals(NotebookBudget.full(), NotebookBudget.fromEnvironment(Map.of()));
        assertEquals(new NotebookBudget(org.finetune4j.task.PaymentsRecipe.TRAIN_SAMPLES,
                org.finetune4j.task.PaymentsRecipe.EPOCHS, 0, 0), NotebookBudget.full());
    }

    @Test
    void fastFlagSelectsTheSmokeBudgetWhichIsSmallerInEveryDimension() {
        NotebookBudget fast = NotebookBudget.fromEnvironment(Map.of(NotebookBudget.FAST, "1"));
        assertEquals(NotebookBudget.fast(), fast);
        NotebookBudget full = NotebookBudget.full();
        assertTrue(fast.trainSamples() < full.trainSamples());
        assertTrue(fast.epochs() <= full.epochs());
        assertTrue(fast.maxSteps() > 0, "the smoke run must be capped");
        assertTrue(fast.evalLimit() > 0, "the smoke run evaluates a few messages");
        assertEquals(0, full.evalLimit(), "the full run evaluates the whole test split");
        assertEquals(NotebookBudget.full(), NotebookBudget.fromEnvironment(Map.of(NotebookBudget.FAST, "0")));
        assertEquals(NotebookBudget.fast(), NotebookBudget.fromEnvironment(Map.of(NotebookBudget.FAST, " TRUE ")));
    }

    @Test
    void singleNumbersOverrideEitherBudget() {
        NotebookBudget b = NotebookBudget.fromEnvironment(Map.of(NotebookBudget.FAST, "1", NotebookBudget.STEPS, "3",
                NotebookBudget.SAMPLES, "20", NotebookBudget.EVAL_LIMIT, "0"));
        assertEquals(new NotebookBudget(20, NotebookBudget.fast().epochs(), 3, 0), b);
        assertEquals(17, NotebookBudget.fromEnvironment(Map.of(NotebookBudget.STEPS, "17")).maxSteps());
    }

    @Test
    void badValuesNameTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NotebookBudget.fromEnvironment(Map.of(NotebookBudget.STEPS, "ten")));
        assertTrue(e.getMessage().contains(NotebookBudget.STEPS) && e.getMessage().contains("ten"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NotebookBudget.fromEnvironment(Map.of(NotebookBudget.EVAL_LIMIT, "-1")));
        assertTrue(e.getMessage().contains(NotebookBudget.EVAL_LIMIT), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NotebookBudget.fromEnvironment(Map.of(NotebookBudget.FAST, "maybe")));
        assertTrue(e.getMessage().contains(NotebookBudget.FAST), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new NotebookBudget(0, 1, 0, 0));
    }
}
