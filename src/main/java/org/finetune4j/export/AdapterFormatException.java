package org.finetune4j.export;

import java.nio.file.Path;

/**
 * A saved adapter that cannot be loaded: malformed or unsupported config, missing, unexpected or
 * mis-shaped tensors. The message names the file and, where there is one, the key or tensor.
 */
public class AdapterFormatException extends RuntimeException {
    public AdapterFormatException(String message) {
        super(message);
    }

    public AdapterFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    static AdapterFormatException of(Path file, String problem) {
        return new AdapterFormatException(file + ": " + problem);
    }
}
