package org.finetune4j.train;

import java.io.IOException;

/** A checkpoint that cannot be read; the message names the file (and tensor). */
public class CheckpointException extends IOException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
