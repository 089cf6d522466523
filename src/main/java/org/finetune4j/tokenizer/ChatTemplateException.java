package org.finetune4j.tokenizer;

/**
 * A chat template could not be rendered: the template called {@code raise_exception(msg)} (for
 * example because the conversation's roles do not alternate), or it is malformed.
 */
public class ChatTemplateException extends RuntimeException {
    public ChatTemplateException(String message) {
        super(message);
    }

    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
