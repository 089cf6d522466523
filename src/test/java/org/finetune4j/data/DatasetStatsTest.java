package org.finetune4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class DatasetStatsTest {
    @Test
    void countsPercentilesAndHistogram() {
        int[] lengths = {10, 3, 7, 20, 5};
        List<TokenizedSample> samples = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            samples.add(PackerTest.sample(i, lengths[i]));
        }
        MaskingReport report = new MaskingReport(samples, 2, List.of("x:1"));
        DatasetStats stats = DatasetStats.of(report, Packer.pack(samples, 20));

        assertEquals(5, stats.samples());
        assertEquals(45, stats.tokens());
        // PackerTest.sample learns positions length/2 … length-1: 5 + 2 + 4 + 10 + 3.
        assertEquals(24, stats.trainableTokens());
        assertEquals(2, stats.truncated());
        assertEquals(1, stats.dropped());
        assertEquals(3, stats.rows()); // 20 | 10+7+3 | 5
        assertEquals(3, stats.minLength());
        assertEquals(20, stats.maxLength());
        assertEquals(9.0, stats.meanLength());
        // Nearest rank over 3,5,7,10,20: p50 → rank 3, p90 → rank 5, p20 → rank 1.
        assertEquals(7, stats.lengthPercentile(50));
        assertEquals(20, stats.lengthPercentile(90));
        assertEquals(3, stats.lengthPercentile(20));

        Table histogram = stats.lengthHistogram(8);
        assertEquals(List.of(0, 8, 16), histogram.intColumn("from").asList());
        assertEquals(List.of(3, 1, 1), histogram.intColumn("samples").asList());

        Table table = stats.toTable("train");
        assertEquals(13, table.rowCount());
        assertEquals(24.0, table.doubleColumn("value").get(table.stringColumn("statistic").indexOf("trainable tokens")));
    }
}
