package org.finetune4j.tokenizer.bpe;

import java.util.Objects;

/**
 * One learned merge rule: the adjacent tokens {@code left} and {@code right} (byte-level strings)
 * become the token {@code left + right}. A merge's rank is its index in {@link BpeModel#merges()}.
 */
public record BpeMerge(String left, String right) {
    public BpeMerge {
        Objects.requireNonNull(left, "left");
        Objects.requireNonNull(right, "right");
        if (left.isEmpty() || right.isEmpty()) {
            throw new IllegalArgumentException("merge parts must not be empty: [" + left + ", " + right + "]");
        }
    }

    /** The token this merge produces. */
    public String merged() {
        return left + right;
    }
}
