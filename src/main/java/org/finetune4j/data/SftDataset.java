package org.finetune4j.data;

import java.util.List;
import java.util.Optional;

/**
 * Everything {@link SftDataBuilder#load} produced: batch sources to train and validate on, with the
 * samples behind them and what reading and masking found.
 *
 * @param train              shuffled per epoch by the seed
 * @param validation         in fixed order; empty when nothing was held out
 * @param trainStats         statistics of the training samples
 * @param validationStats    statistics of the validation samples; empty when nothing was held out
 * @param readReports        one per file read
 * @param duplicatesRemoved  exact duplicate conversations left out
 * @param trainSamples       the masked training samples (for {@link MaskView})
 * @param validationSamples  the masked validation samples
 */
public record SftDataset(PaddedBatchSource train, Optional<PaddedBatchSource> validation, DatasetStats trainStats,
        Optional<DatasetStats> validationStats, List<ReadReport> readReports, int duplicatesRemoved,
        List<TokenizedSample> trainSamples, List<TokenizedSample> validationSamples) {
    public SftDataset {
        readReports = List.copyOf(readReports);
        trainSamples = List.copyOf(trainSamples);
        validationSamples = List.copyOf(validationSamples);
    }
}
