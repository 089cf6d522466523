package org.finetune4j.io.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.TensorDType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {
    @TempDir
    Path dir;

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    @Test
    void referenceWorkedExampleIsByteExact() throws IOException {
        Path file = dir.resolve("attn.safetensors");
        SafetensorsWriter.write(file, Map.of("attn.0", HostTensor.ofFloats(new float[] {0, 1, 2, 3, 4, 5}, 1, 2, 3)),
                Map.of());
        byte[] json = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}"
                .getBytes(StandardCharsets.US_ASCII);
        assertEquals(64, json.length);
        byte[] data = {
            0, 0, 0, 0, 0, 0, (byte) 0x80, 0x3F, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40,
            0, 0, (byte) 0x80, 0x40, 0, 0, (byte) 0xA0, 0x40}; // 0.0f .. 5.0f little-endian
        byte[] expected = concat(new byte[] {0x40, 0, 0, 0, 0, 0, 0, 0}, json, data);
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @Test
    void emptyFileExampleIsByteExact() throws IOException {
        Path file = dir.resolve("empty.safetensors");
        SafetensorsWriter.write(file, Map.of(), Map.of());
        byte[] expected = concat(new byte[] {8, 0, 0, 0, 0, 0, 0, 0}, "{}      ".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(expected, Files.readAllBytes(file));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertTrue(f.names().isEmpty());
            assertTrue(f.metadata().isEmpty());
        }
    }

    @Test
    void nullMetadataWritesFormatPtFirstAndPadsWithSpaces() throws IOException {
        Path file = dir.resolve("pt.safetensors");
        SafetensorsWriter.write(file, Map.of("x", HostTensor.ofFloats(new float[] {1}, 1)), null);
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        String json = "{\"__metadata__\":{\"format\":\"pt\"},\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertEquals(0, n % 8);
        assertEquals(json, header.stripTrailing());
        assertEquals(" ".repeat((int) n - json.length()), header.substring(json.length()));
        assertTrue(n - json.length() < 8);
        assertEquals(8 + n + 4, bytes.length);
    }

    @Test
    void ordersByDescendingAlignmentThenUtf8Names() throws IOException {
        Map<String, HostTensor> in = new LinkedHashMap<>();
        in.put("a.bool", tensor(TensorDType.BOOL, 3));
        in.put("z.f32", tensor(TensorDType.F32, 1));
        in.put("b.bf16", tensor(TensorDType.BF16, 2));
        in.put("a.bf16", tensor(TensorDType.BF16, 2));
        in.put("\uD83D\uDE00", tensor(TensorDType.I64, 1)); // U+1F600: UTF-8 F0.. sorts after U+E000 (EE..)
        in.put("\uE000", tensor(TensorDType.I64, 1));         // ... though UTF-16 order would put it second
        in.put("m.f64", tensor(TensorDType.F64, 1));
        Path file = dir.resolve("order.safetensors");
        SafetensorsWriter.write(file, in, Map.of());
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            List<String> order = new ArrayList<>(f.tensors().keySet());
            assertEquals(List.of("\uE000", "\uD83D\uDE00", "m.f64", "z.f32", "a.bf16", "b.bf16", "a.bool"), order);
            long expectedBegin = 0;
            for (TensorInfo info : f.tensors().values()) {
                assertEquals(expectedBegin, info.begin());
                assertEquals(0, info.begin() % info.dtype().byteSize(), "naturally aligned: " + info);
                expectedBegin = info.end();
                assertEquals(in.get(info.name()), f.get(info.name()));
            }
        }
    }

    @Test
    void escapesNamesLikeSerdeJson() throws IOException {
        Path file = dir.resolve("esc.safetensors");
        String name = "q\"\\\n\u0001/é";
        SafetensorsWriter.write(file, Map.of(name, tensor(TensorDType.U8, 1)), Map.of());
        String header = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        assertTrue(header.contains("\"q\\\"\\\\\\n\\u0001/é\""), header);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(Set.of(name), f.names());
        }
    }

    @Test
    void rejectsTheReservedMetadataName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                SafetensorsWriter.write(dir.resolve("x.safetensors"),
                        Map.of("__metadata__", tensor(TensorDType.U8, 1)), null));
        assertTrue(e.getMessage().contains("reserved"));
    }

    /** A failure while streaming data (source file truncated under a mapping) leaves the old file intact. */
    @Test
    void failedWriteLeavesOldFileAndNoTempFile() throws IOException {
        Path target = dir.resolve("model.safetensors");
        SafetensorsWriter.write(target, Map.of("old", HostTensor.ofFloats(new float[] {42}, 1)), null);
        byte[] before = Files.readAllBytes(target);

        Path source = dir.resolve("source.bin");
        int size = 1 << 20;
        Files.write(source, new byte[size]);
        ByteBuffer mapped;
        try (FileChannel ch = FileChannel.open(source)) {
            mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        try (RandomAccessFile raf = new RandomAccessFile(source.toFile(), "rw")) {
            raf.setLength(0); // the mapped pages now fault: write(2) from them fails with EFAULT
        }
        HostTensor doomed = new HostTensor(TensorDType.U8, new long[] {size}, mapped);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("first", HostTensor.ofFloats(new float[] {1, 2, 3}, 3));
        tensors.put("doomed", doomed);
        assertThrows(IOException.class, () -> SafetensorsWriter.write(target, tensors, null));

        assertArrayEquals(before, Files.readAllBytes(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("model.safetensors", "source.bin"),
                    files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()));
        }
    }

    @Test
    void failingBodyRemovesTempFileAndKeepsTarget() throws IOException {
        Path target = dir.resolve("keep.txt");
        Files.writeString(target, "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, ch -> {
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(new byte[4096]));
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", e.getMessage());
        assertEquals("old", Files.readString(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    private static HostTensor tensor(TensorDType dtype, int n) {
        byte[] b = new byte[n * dtype.byteSize()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (dtype == TensorDType.BOOL ? i % 2 : 17 * i + dtype.ordinal());
        }
        return new HostTensor(dtype, new long[] {n}, ByteBuffer.wrap(b));
    }
}
