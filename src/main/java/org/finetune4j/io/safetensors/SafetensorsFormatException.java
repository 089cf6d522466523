package org.finetune4j.io.safetensors;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file or checkpoint directory that does not follow the format.
 *
 * <p>It is an {@link IOException} because a broken file is an input problem, not a programming error;
 * the message always starts with the file (or directory) and names the tensor where one is at fault.
 */
public class SafetensorsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public SafetensorsFormatException(String message) {
        super(message);
    }

    public SafetensorsFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A message of the form {@code "<file>: <problem>"}. */
    public static SafetensorsFormatException of(Path file, String problem) {
        return new SafetensorsFormatException(file + ": " + problem);
    }

    /** A message of the form {@code "<file>: tensor '<name>': <problem>"}. */
    public static SafetensorsFormatException ofTensor(Path file, String tensor, String problem) {
        return new SafetensorsFormatException(file + ": tensor '" + tensor + "': " + problem);
    }
}
