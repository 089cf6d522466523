package org.finetune4j.generate.constraint;

import java.util.Set;

/**
 * The decoding state of one generated sequence under a {@link DecodingConstraint}: which tokens may come next,
 * and the token that did. Used by {@link org.finetune4j.generate.Generator}, one instance per prompt.
 */
public interface TokenConstraint {

    /**
     * Sets the score of every token that may not come next to negative infinity.
     *
     * @param logits       (V) scores of the next token; modified in place
     * @param stopTokenIds tokens that end the sequence (EOS, end of turn): allowed only once the output is complete
     */
    void mask(float[] logits, Set<Long> stopTokenIds);

    /** Moves past {@code token}, the one chosen from the masked scores (never a stop token). */
    void accept(long token);
}
