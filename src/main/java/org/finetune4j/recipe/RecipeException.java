package org.finetune4j.recipe;

/** A recipe that cannot be read or used; the message names the file and the key. */
public final class RecipeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public RecipeException(String message) {
        super(message);
    }

    public RecipeException(String message, Throwable cause) {
        super(message, cause);
    }
}
