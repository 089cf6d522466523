package org.finetune4j.model.llama;

import ai.djl.ndarray.NDArray;

/**
 * What one forward pass reads. Built with {@link #builder()}; only the token ids (or embeddings) are
 * required.
 *
 * <p>Visibility is described in Java, not as a tensor, because batching code knows it exactly:
 * {@code segments[b][j]} labels key position {@code j} (cache coordinates, {@code 0 … past+T-1}) of row
 * {@code b}; a query sees key {@code j} iff {@code j} is not after it and either both carry the same
 * label or the key is {@link #SHARED}; a {@link #PADDING} query sees nothing. Labels ≥ 0 are samples: one
 * label per row is plain causal attention, several give the block-diagonal mask of packed samples.
 * Null means every position is label 0.
 */
public final class ForwardInput {
    /** Label of padding: sees nothing and, having a label no query carries, is seen by nothing. */
    public static final int PADDING = -1;
    /**
     * Label of positions every later query of the row sees, whatever its sample, e.g. prompt tuning's
     * virtual tokens in front of packed samples. Shared positions see each other causally; they see a
     * sample's positions only if those carry {@code SHARED} too, so put them before the samples.
     */
    public static final int SHARED = -2;

    final NDArray inputIds;
    final NDArray inputEmbeds;
    final int[][] segments;
    final long[][] positions;
    final KvCache cache;
    final AttentionContext.PrefixKv prefix;
    final boolean lastPositionOnly;
    final long[] logitRows;

    private ForwardInput(Builder b) {
        if ((b.inputIds == null) == (b.inputEmbeds == null)) {
            throw new IllegalArgumentException("give exactly one of input ids or input embeddings");
        }
        inputIds = b.inputIds;
        inputEmbeds = b.inputEmbeds;
        segments = b.segments;
        positions = b.positions;
        cache = b.cache;
        prefix = b.prefix;
        lastPositionOnly = b.lastPositionOnly;
        logitRows = b.logitRows;
        if (logitRows != null && (lastPositionOnly || logitRows.length == 0)) {
            throw new IllegalArgumentException("logit rows: give a non-empty set, and not with lastPositionOnly");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this input's values, to derive a modified input. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.inputIds = inputIds;
        b.inputEmbeds = inputEmbeds;
        b.segments = segments;
        b.positions = positions;
        b.cache = cache;
        b.prefix = prefix;
        b.lastPositionOnly = lastPositionOnly;
        b.logitRows = logitRows;
        return b;
    }

    public NDArray inputIds() { return inputIds; }
    public NDArray inputEmbeds() { return inputEmbeds; }
    public int[][] segments() { return segments; }
    public long[][] positions() { return positions; }
    public KvCache cache() { return cache; }
    public AttentionContext.PrefixKv prefix() { return prefix; }
    public boolean lastPositionOnly() { return lastPositionOnly; }
    /** Flat indices {@code b·T + t} of the positions that get logits, or null for all of them. */
    public long[] logitRows() { return logitRows; }

    /** Plain causal forward over ids (B, T). */
    public static ForwardInput of(NDArray inputIds) {
        return builder().setInputIds(inputIds).build();
    }

    public static final class Builder {
        private NDArray inputIds;
        private NDArray inputEmbeds;
        private int[][] segments;
        private long[][] positions;
        private KvCache cache;
        private AttentionContext.PrefixKv prefix;
        private boolean lastPositionOnly;
        private long[] logitRows;

        /** (B, T) int64 token ids (clears embeddings). */
        public Builder setInputIds(NDArray ids) { inputIds = ids; inputEmbeds = null; return this; }
        /** (B, T, D) embeddings instead of ids (clears ids; prompt tuning prepends virtual tokens this way). */
        public Builder setInputEmbeds(NDArray embeds) { inputEmbeds = embeds; inputIds = null; return this; }
        /** (B, past+T) visibility labels: ≥ 0 samples, {@link #PADDING}, {@link #SHARED}; see the class comment. */
        public Builder optSegments(int[][] s) { segments = s; return this; }
        /** (B, T) rotary positions; default {@code past + t}. */
        public Builder optPositions(long[][] p) { positions = p; return this; }
        public Builder optCache(KvCache c) { cache = c; return this; }
        public Builder optPrefix(AttentionContext.PrefixKv p) { prefix = p; return this; }
        /** Compute logits for the last position only (generation). */
        public Builder optLastPositionOnly(boolean v) { lastPositionOnly = v; return this; }
        /**
         * Compute logits only at these positions, flat indices {@code b·T + t} over the caller's (B, T)
         * tokens in increasing order: the forward then returns (K, V) instead of (B, T, V). Training passes
         * the positions that predict a label, so prompt tokens cost no LM-head matmul and no softmax.
         */
        public Builder optLogitRows(long[] rows) { logitRows = rows; return this; }

        public ForwardInput build() {
            return new ForwardInput(this);
        }
    }
}
