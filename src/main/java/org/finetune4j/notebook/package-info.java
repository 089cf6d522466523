/**
 * Notebook-side helpers that need no Jupyter classes: {@link org.finetune4j.notebook.LiveTrainingView} (live loss
 * curve and progress block for a training run) and {@link org.finetune4j.notebook.Charts} (technique comparison
 * bars). The {@code kernel-ext} module renders them in the Java (finetune4j) Jupyter kernel.
 */
package org.finetune4j.notebook;
