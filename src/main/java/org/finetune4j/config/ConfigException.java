package org.finetune4j.config;

/** A model or generation configuration that is missing, malformed or unsupported. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
