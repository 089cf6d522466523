package org.finetune4j.notebook;

import java.util.Map;

/**
 * How much work a notebook does: the same notebook runs the full guide on a workstation and a quick smoke run in
 * CI, chosen by environment variables (a notebook has no command line).
 *
 * <ul>
 *   <li>{@value #FAST}{@code =1} — {@link #fast()} instead of {@link #full()};</li>
 *   <li>{@value #STEPS}, {@value #SAMPLES}, {@value #EVAL_LIMIT} — override one number of either budget.</li>
 * </ul>
 *
 * @param trainSamples training conversations used (first N of {@code train.jsonl})
 * @param epochs       passes over them
 * @param maxSteps     cap on optimizer steps (0 = no cap)
 * @param evalLimit    test messages evaluated (0 = all)
 */
public record NotebookBudget(int trainSamples, int epochs, int maxSteps, int evalLimit) {

    public static final String FAST = "FINETUNE4J_NOTEBOOK_FAST";
    public static final String STEPS = "FINETUNE4J_NOTEBOOK_STEPS";
    public static final String SAMPLES = "FINETUNE4J_NOTEBOOK_SAMPLES";
    public static final String EVAL_LIMIT = "FINETUNE4J_NOTEBOOK_EVAL_LIMIT";

    public NotebookBudget {
        if (trainSamples < 1) {
            throw new IllegalArgumentException("trainSamples must be >= 1, got " + trainSamples);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (maxSteps < 0 || evalLimit < 0) {
            throw new IllegalArgumentException("maxSteps and evalLimit must be >= 0, got " + maxSteps + ", "
                    + evalLimit);
        }
    }

    /** The guide's run on the bundled model, as {@code finetune4j quickstart}: the recipe's data, all of test. */
    public static NotebookBudget full() {
        return new NotebookBudget(org.finetune4j.task.PaymentsRecipe.TRAIN_SAMPLES, org.finetune4j.task.PaymentsRecipe.EPOCHS,
                0, 0);
    }

    /**
     * A smoke run that only shows every cell works: 64 conversations (6 steps of 4 packed rows with the 8-token
     * system prompt), at most 6 steps, 8 test messages.
     */
    public static NotebookBudget fast() {
        return new NotebookBudget(64, 1, 6, 8);
    }

    /** The budget of this process's environment. */
    public static NotebookBudget fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * The budget the variables in {@code env} select.
     *
     * @throws IllegalArgumentException naming the variable whose value is not a non-negative integer (or, for
     *     {@value #FAST}, not 0/1/true/false)
     */
    public static NotebookBudget fromEnvironment(Map<String, String> env) {
        NotebookBudget b = flag(env, FAST) ? fast() : full();
        int samples = number(env, SAMPLES, b.trainSamples());
        int steps = number(env, STEPS, b.maxSteps());
        int eval = number(env, EVAL_LIMIT, b.evalLimit());
        return new NotebookBudget(samples, b.epochs(), steps, eval);
    }

    private static boolean flag(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return false;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "1", "true", "yes" -> true;
            case "0", "false", "no" -> false;
            default -> throw new IllegalArgumentException(name + " must be 1 or 0, got '" + v + "'");
        };
    }

    private static int number(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a non-negative integer, got '" + v + "'", e);
        }
    }
}
