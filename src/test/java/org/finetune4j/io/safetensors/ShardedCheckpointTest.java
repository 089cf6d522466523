package org.finetune4j.io.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.TensorDType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedCheckpointTest {
    @TempDir
    Path dir;

    /** Six U8 tensors of 64 bytes each (distinct contents), in a fixed iteration order. */
    private static Map<String, HostTensor> sixTensors() {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            byte[] b = new byte[64];
            for (int k = 0; k < b.length; k++) {
                b[k] = (byte) (i * 64 + k);
            }
            m.put("layer." + (5 - i) + ".weight", new HostTensor(TensorDType.U8, new long[] {8, 8}, ByteBuffer.wrap(b)));
        }
        return m;
    }

    private List<String> fileNames() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void shardedWriteAndReadRoundTrip() throws IOException {
        Map<String, HostTensor> tensors = sixTensors();
        List<Path> written = ShardedCheckpoint.write(dir, "model", tensors, 150); // 2 tensors (128 B) per shard
        assertEquals(List.of("model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                "model-00003-of-00003.safetensors", "model.safetensors.index.json"),
                written.stream().map(p -> p.getFileName().toString()).collect(Collectors.toList()));
        assertEquals(List.of("model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                "model-00003-of-00003.safetensors", "model.safetensors.index.json"), fileNames());

        JsonNode index = new ObjectMapper().readTree(dir.resolve("model.safetensors.index.json").toFile());
        assertEquals(6 * 64, index.get("metadata").get("total_size").asLong());
        JsonNode weightMap = index.get("weight_map");
        assertEquals(6, weightMap.size());
        List<String> names = new ArrayList<>(tensors.keySet());
        for (int i = 0; i < names.size(); i++) { // greedy in iteration order: tensors 2i and 2i+1 share a shard
            assertEquals("model-0000" + (i / 2 + 1) + "-of-00003.safetensors", weightMap.get(names.get(i)).asText());
        }
        List<String> keys = new ArrayList<>();
        weightMap.fieldNames().forEachRemaining(keys::add);
        assertEquals(names.stream().sorted().collect(Collectors.toList()), keys, "weight_map is sorted by name");

        for (int shard = 1; shard <= 3; shard++) {
            try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model-0000" + shard + "-of-00003.safetensors"))) {
                assertEquals(Map.of("format", "pt"), f.metadata());
                assertEquals(2, f.names().size());
            }
        }
        try (ShardedCheckpoint ckpt = ShardedCheckpoint.open(dir)) {
            assertEquals(tensors.keySet(), ckpt.names());
            assertEquals("384", ckpt.metadata().get("total_size"));
            assertEquals(3, ckpt.files().size());
            for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
                assertEquals(e.getValue(), ckpt.get(e.getKey()));
                assertEquals(TensorDType.U8, ckpt.info(e.getKey()).dtype());
                assertEquals(64, ckpt.info(e.getKey()).byteSize());
            }
            assertThrows(java.util.NoSuchElementException.class, () -> ckpt.get("lm_head.weight"));
        }
    }

    @Test
    void oversizeTensorGetsItsOwnShard() throws IOException {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        m.put("small.a", HostTensor.ofFloats(new float[] {1}, 1));
        m.put("big", HostTensor.ofFloats(new float[100], 100));
        m.put("small.b", HostTensor.ofFloats(new float[] {2}, 1));
        List<Path> written = ShardedCheckpoint.write(dir, "model", m, 16);
        assertEquals(4, written.size()); // 3 shards + index
        try (SafetensorsFile second = SafetensorsFile.open(written.get(1))) {
            assertEquals(List.of("big"), List.copyOf(second.names()));
        }
        try (ShardedCheckpoint ckpt = ShardedCheckpoint.open(dir)) {
            assertEquals(m.get("small.b"), ckpt.get("small.b"));
        }
    }

    @Test
    void singleFileWhenItFitsAndStaleFilesOfEitherLayoutAreRemoved() throws IOException {
        Map<String, HostTensor> tensors = sixTensors();
        Files.writeString(dir.resolve("config.json"), "{}");
        ShardedCheckpoint.write(dir, "model", tensors, 150);
        ShardedCheckpoint.write(dir, "adapter_model", Map.of("lora_A", HostTensor.ofFloats(new float[] {1}, 1)), 150);

        List<Path> single = ShardedCheckpoint.write(dir, "model", tensors, 1 << 20);
        assertEquals(List.of(dir.resolve("model.safetensors")), single);
        assertEquals(List.of("adapter_model.safetensors", "config.json", "model.safetensors"), fileNames());
        try (ShardedCheckpoint ckpt = ShardedCheckpoint.open(dir)) {
            assertEquals(tensors.keySet(), ckpt.names());
            assertEquals(Map.of("format", "pt"), ckpt.metadata());
        }

        ShardedCheckpoint.write(dir, "model", tensors, 200); // 3 per shard -> 2 shards; model.safetensors goes
        assertEquals(List.of("adapter_model.safetensors", "config.json", "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors", "model.safetensors.index.json"), fileNames());
        try (ShardedCheckpoint ckpt = ShardedCheckpoint.open(dir)) {
            assertEquals(tensors.get("layer.0.weight"), ckpt.get("layer.0.weight"));
        }
        try (ShardedCheckpoint adapter = ShardedCheckpoint.open(dir, "adapter_model")) {
            assertEquals(List.of("lora_A"), List.copyOf(adapter.names()));
        }
    }

    @Test
    void opensALoneSafetensorsFileOfAnyName() throws IOException {
        SafetensorsWriter.write(dir.resolve("adapter_model.safetensors"),
                Map.of("w", HostTensor.ofFloats(new float[] {4}, 1)), null);
        try (ShardedCheckpoint ckpt = ShardedCheckpoint.open(dir)) {
            assertEquals(4f, ckpt.get("w").data().getFloat(0));
        }
    }

    @Test
    void missingShardIsNamedWithTheDirectory() throws IOException {
        ShardedCheckpoint.write(dir, "model", sixTensors(), 150);
        Files.delete(dir.resolve("model-00002-of-00003.safetensors"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ShardedCheckpoint.open(dir));
        assertTrue(e.getMessage().contains("model-00002-of-00003.safetensors") && e.getMessage().contains(dir.toString())
                && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void shardLackingAPromisedTensorIsReported() throws IOException {
        ShardedCheckpoint.write(dir, "model", sixTensors(), 150);
        Path indexFile = dir.resolve("model.safetensors.index.json");
        String index = Files.readString(indexFile);
        // Point the first tensor at the third shard, which does not hold it.
        String first = sixTensors().keySet().iterator().next();
        Files.writeString(indexFile, index.replaceFirst("(\"" + first.replace(".", "\\.")
                + "\"\\s*:\\s*\")model-00001", "$1model-00003"));
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> ShardedCheckpoint.open(dir));
        assertTrue(e.getMessage().contains(first) && e.getMessage().contains("model-00003-of-00003.safetensors")
                && e.getMessage().contains("promised"), e.getMessage());
    }

    @Test
    void brokenOrHostileIndexIsRejected() throws IOException {
        Path indexFile = dir.resolve("model.safetensors.index.json");
        Files.writeString(indexFile, "{\"metadata\":{}}");
        assertTrue(assertThrows(SafetensorsFormatException.class, () -> ShardedCheckpoint.open(dir)).getMessage()
                .contains("weight_map"));
        Files.writeString(indexFile, "{\"weight_map\":{\"w\":\"../outside.safetensors\"}}");
        assertTrue(assertThrows(SafetensorsFormatException.class, () -> ShardedCheckpoint.open(dir)).getMessage()
                .contains("outside"));
        Files.writeString(indexFile, "not json");
        assertTrue(assertThrows(SafetensorsFormatException.class, () -> ShardedCheckpoint.open(dir)).getMessage()
                .contains(indexFile.toString()));
    }

    @Test
    void emptyDirectoryIsNamedInTheError() throws IOException {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ShardedCheckpoint.open(dir));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("model.safetensors"),
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("model.safetensors")));
    }
}
