package org.finetune4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SftDataBuilderTest {
    @TempDir
    Path dir;

    private Path dataset(int n) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String answer = "answer " + "x".repeat(i % 7 + 1);
            lines.add("{\"messages\": [{\"role\": \"user\", \"content\": \"question " + i + "\"},"
                    + " {\"role\": \"assistant\", \"content\": \"" + answer + "\"}]}");
        }
        lines.add(lines.get(0)); // an exact duplicate
        lines.add("not json");
        Path file = dir.resolve("train.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private static SftDataBuilder.Builder builder() {
        return SftDataBuilder.builder().setTokenizer(TinyTokenizers.chatMl()).optBadLinePolicy(BadLinePolicy.SKIP);
    }

    @Test
    void loadsSplitsAndBatches() throws IOException {
        Path file = dataset(30);
        SftDataset data = builder().optMaxLength(512).optBatchSize(4).optSeed(7).optValidationFraction(0.1).build()
                .load(file);

        assertEquals(1, data.readReports().get(0).skipped());
        assertEquals(1, data.duplicatesRemoved());
        assertEquals(27, data.trainStats().samples());
        assertEquals(3, data.validationStats().orElseThrow().samples());
        Set<String> sources = new TreeSet<>();
        data.trainSamples().forEach(s -> sources.add(s.source()));
        data.validationSamples().forEach(s -> assertTrue(sources.add(s.source()), "held-out sample also trained on"));
        assertEquals(30, sources.size());

        PaddedBatchSource train = data.train();
        assertEquals(7, train.batchesPerEpoch());
        TokenBatch batch = train.batch(0, 0);
        assertEquals(4, batch.batchSize());
        for (int r = 0; r < 4; r++) {
            for (int t = 0; t < batch.length(); t++) {
                if (batch.segments()[r][t] < 0) {
                    assertEquals(TinyTokenizers.PAD_ID, batch.inputIds()[r][t]);
                    assertEquals(TokenBatch.IGNORE, batch.labels()[r][t]);
                }
            }
        }
        long trainTargets = 0;
        for (int i = 0; i < train.batchesPerEpoch(); i++) {
            trainTargets += train.batch(1, i).targetCount();
        }
        assertEquals(data.trainStats().trainableTokens(), trainTargets);

        SftDataset again = builder().optMaxLength(512).optBatchSize(4).optSeed(7).optValidationFraction(0.1).build()
                .load(file);
        assertEquals(data.validationSamples(), again.validationSamples());
        assertEquals(data.train().batch(2, 3), again.train().batch(2, 3));
    }

    @Test
    void packingFillsRowsWithoutLosingTargets() throws IOException {
        Path file = dataset(30);
        SftDataset plain = builder().optMaxLength(128).build().load(file);
        SftDataset packed = builder().optMaxLength(128).optPacking(true).build().load(file);
        assertEquals(30, plain.trainStats().rows());
        assertTrue(packed.trainStats().rows() < 15, packed.trainStats().toString());
        long targets = 0;
        for (int i = 0; i < packed.train().batchesPerEpoch(); i++) {
            TokenBatch b = packed.train().batch(0, i);
            assertTrue(b.length() <= 128);
            targets += b.targetCount();
        }
        // Packing sets each sample's first label to IGNORE; templates never learn a sample's first token anyway.
        assertEquals(plain.trainStats().trainableTokens(), targets);
        assertEquals(TinyTokenizers.PAD_ID, builder().build().padId());
    }

    @Test
    void datasetWithNothingLeftToLearnIsAnError() throws IOException {
        Path file = dataset(5);
        DatasetException e = assertThrows(DatasetException.class, () -> builder().optMaxLength(8).build().load(file));
        assertTrue(e.getMessage().startsWith("no trainable sample: 5 conversations, 5 of them left with no learned token "
                + "after truncation to 8 tokens"), e.getMessage());
    }
}
