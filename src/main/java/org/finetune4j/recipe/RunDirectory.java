package org.finetune4j.recipe;

import java.nio.file.Path;

/**
 * What a recipe run writes under {@code output.dir}.
 *
 * @param root the run directory
 */
public record RunDirectory(Path root) {
    /** The trained adapter (every technique but full fine-tuning). */
    public Path adapter() {
        return root.resolve("adapter");
    }

    /** The whole trained model of full fine-tuning (a standard HF checkpoint). */
    public Path model() {
        return root.resolve("model");
    }

    /** The merged checkpoint of LoRA/QLoRA when {@code output.save_merged}. */
    public Path merged() {
        return root.resolve("merged");
    }

    /** {@code checkpoint-<step>} directories for {@code --resume}. */
    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    /** One CSV line per optimizer step; a resumed run appends. */
    public Path metrics() {
        return root.resolve("training_metrics.csv");
    }

    /** The evaluation report of {@code eval}, as JSON. */
    public Path evalReport() {
        return root.resolve("eval.json");
    }
}
