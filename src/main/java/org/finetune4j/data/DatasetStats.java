package org.finetune4j.data;

import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Summary of a tokenized dataset, to choose the maximum length and check the masking before training.
 *
 * @param samples         samples kept
 * @param tokens          tokens of the kept samples (after truncation)
 * @param trainableTokens learned tokens (labels the shifted loss scores)
 * @param truncated       samples cut at the maximum length
 * @param dropped         samples dropped because truncation left no learned token
 * @param rows            training rows (fewer than samples when packed)
 * @param sortedLengths   sample lengths in tokens, ascending
 */
public record DatasetStats(int samples, long tokens, long trainableTokens, int truncated, int dropped, int rows,
        List<Integer> sortedLengths) {

    public DatasetStats {
        sortedLengths = List.copyOf(sortedLengths);
    }

    /** Statistics of masked samples and the rows they were arranged into. */
    public static DatasetStats of(MaskingReport report, List<PackedRow> rows) {
        long tokens = 0;
        long trainable = 0;
        List<Integer> lengths = new ArrayList<>(report.samples().size());
        for (TokenizedSample s : report.samples()) {
            tokens += s.length();
            trainable += s.trainableTokens();
            lengths.add(s.length());
        }
        lengths.sort(null);
        return new DatasetStats(report.samples().size(), tokens, trainable, report.truncated(), report.dropped(),
                rows.size(), lengths);
    }

    public int minLength() {
        return sortedLengths.isEmpty() ? 0 : sortedLengths.get(0);
    }

    public int maxLength() {
        return sortedLengths.isEmpty() ? 0 : sortedLengths.get(sortedLengths.size() - 1);
    }

    public double meanLength() {
        return samples == 0 ? 0 : (double) tokens / samples;
    }

    /** Nearest-rank percentile of the sample lengths ({@code p} in (0, 100]). */
    public int lengthPercentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        if (sortedLengths.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sortedLengths.size());
        return sortedLengths.get(Math.max(1, rank) - 1);
    }

    /** Share of tokens that are learned. */
    public double trainableFraction() {
        return tokens == 0 ? 0 : (double) trainableTokens / tokens;
    }

    /** One row per statistic: columns {@code statistic} and {@code value}. */
    public Table toTable(String name) {
        String[] names = {"samples", "rows", "tokens", "trainable tokens", "trainable fraction", "truncated",
            "dropped (nothing left to learn)", "min length", "mean length", "p50 length", "p90 length", "p99 length",
            "max length"};
        double[] values = {samples, rows, tokens, trainableTokens, trainableFraction(), truncated, dropped, minLength(),
            meanLength(), lengthPercentile(50), lengthPercentile(90), lengthPercentile(99), maxLength()};
        return Table.create(name, StringColumn.create("statistic", names), DoubleColumn.create("value", values));
    }

    /**
     * Sample-length histogram: bins {@code [from, to)} of width {@code binWidth} from 0 to the longest
     * sample, with columns {@code from}, {@code to}, {@code samples}.
     */
    public Table lengthHistogram(int binWidth) {
        if (binWidth < 1) {
            throw new IllegalArgumentException("bin width must be positive, got " + binWidth);
        }
        int bins = maxLength() / binWidth + 1;
        int[] from = new int[bins];
        int[] to = new int[bins];
        int[] counts = new int[bins];
        for (int b = 0; b < bins; b++) {
            from[b] = b * binWidth;
            to[b] = (b + 1) * binWidth;
        }
        for (int len : sortedLengths) {
            counts[len / binWidth]++;
        }
        return Table.create("sample lengths", IntColumn.create("from", from), IntColumn.create("to", to),
                IntColumn.create("samples", counts));
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "%d samples in %d rows, %d tokens (%d learned, %.1f%%), %d truncated, %d dropped, length min %d / p50 %d / p99 %d / max %d",
                samples, rows, tokens, trainableTokens, 100 * trainableFraction(), truncated, dropped, minLength(),
                lengthPercentile(50), lengthPercentile(99), maxLength());
    }
}
