package org.finetune4j.data;

import java.util.List;

/**
 * Conversations turned into samples by {@link LabelMasker#maskAll}.
 *
 * @param samples        samples with at least one learned token, truncated to the maximum length, in input order
 * @param truncated      samples cut at the maximum length (kept ones and dropped ones)
 * @param droppedSources sources of samples whose learned tokens all lay beyond the maximum length
 */
public record MaskingReport(List<TokenizedSample> samples, int truncated, List<String> droppedSources) {
    public MaskingReport {
        samples = List.copyOf(samples);
        droppedSources = List.copyOf(droppedSources);
    }

    public int dropped() {
        return droppedSources.size();
    }
}
