package org.finetune4j.model;

/** Weights that do not fit the model's config: missing, unexpected or mis-shaped tensors. */
public class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) {
        super(message);
    }
}
