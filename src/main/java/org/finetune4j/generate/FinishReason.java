package org.finetune4j.generate;

/** Why a sequence stopped growing. */
public enum FinishReason {
    /** A stop token (EOS or end-of-turn) was produced. */
    STOP_TOKEN,
    /** The decoded text reached a stop string. */
    STOP_STRING,
    /** {@code maxNewTokens} or the context length was reached. */
    LENGTH
}
