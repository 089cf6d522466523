package org.finetune4j.generate;

/** Receives every generated token as soon as it is chosen (streaming). */
@FunctionalInterface
public interface TokenListener {
    /**
     * @param row   index of the prompt in the batch
     * @param token the chosen token id (stop tokens are reported too, once, before the row ends)
     */
    void onToken(int row, long token);

    TokenListener NONE = (row, token) -> { };
}
