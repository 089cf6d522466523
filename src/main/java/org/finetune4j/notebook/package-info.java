/**
 * Notebook-side helpers that need no Jupyter classes: {@link org.finetune4j.notebook.Guide} (the notebooks' entry
 * points: project paths, the run budget, the guide's training recipe, outputs shared between notebooks),
 * {@link org.finetune4j.notebook.TechniqueComparison} (notebook 09), {@link org.finetune4j.notebook.GuideTables},
 * {@link org.finetune4j.notebook.LiveTrainingView} (live loss curve and progress block for a training run) and
 * {@link org.finetune4j.notebook.Charts} (technique comparison, evaluation and data-length bars).
 * The {@code kernel-ext} module renders them in the Java (finetune4j) Jupyter kernel.
 */
package org.finetune4j.notebook;
