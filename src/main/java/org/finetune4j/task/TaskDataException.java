package org.finetune4j.task;

/** A task file (schema, dataset, examples) is missing or malformed; the message names the file and line. */
public class TaskDataException extends RuntimeException {
    public TaskDataException(String message) {
        super(message);
    }

    public TaskDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
