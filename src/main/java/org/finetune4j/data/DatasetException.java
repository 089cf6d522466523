package org.finetune4j.data;

/**
 * Training data that cannot be used: a malformed or invalid line (the message starts with
 * {@code file:line:}), a chat template that is not prefix-stable, or a dataset without any trainable token.
 */
public class DatasetException extends RuntimeException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
