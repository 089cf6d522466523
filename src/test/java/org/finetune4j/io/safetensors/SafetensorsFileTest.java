package org.finetune4j.io.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.TensorDType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
    private static final List<TensorDType> ROUND_TRIP_DTYPES = List.of(TensorDType.F32, TensorDType.F16,
            TensorDType.BF16, TensorDType.F64, TensorDType.I8, TensorDType.U8, TensorDType.I16, TensorDType.I32,
            TensorDType.I64, TensorDType.BOOL);

    private static final String JSON_CHARS = "{}[]\",:0123456789 -e.";

    @TempDir
    Path dir;

    private static HostTensor random(TensorDType dtype, Random r, long... shape) {
        byte[] b = new byte[Math.toIntExact(HostTensor.numel(shape) * dtype.byteSize())];
        r.nextBytes(b);
        if (dtype == TensorDType.BOOL) {
            for (int i = 0; i < b.length; i++) {
                b[i] &= 1;
            }
        }
        return new HostTensor(dtype, shape, ByteBuffer.wrap(b));
    }

    @Test
    void everyDtypeAndShapeRoundTrips() throws IOException {
        Random r = new Random(7);
        Map<String, HostTensor> in = new LinkedHashMap<>();
        long[][] shapes = {{}, {0}, {2, 0, 3}, {5}, {3, 4}, {2, 3, 4}};
        for (TensorDType dtype : ROUND_TRIP_DTYPES) {
            for (long[] shape : shapes) {
                in.put(dtype + "." + Arrays.toString(shape), random(dtype, r, shape));
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("note", "ünïcode \"quoted\"");
        Path file = dir.resolve("all.safetensors");
        SafetensorsWriter.write(file, in, metadata);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(file, f.path());
            assertEquals(metadata, f.metadata());
            assertEquals(in.keySet(), f.names());
            for (Map.Entry<String, HostTensor> e : in.entrySet()) {
                HostTensor back = f.get(e.getKey());
                assertEquals(e.getValue(), back, e.getKey());
                assertArrayEquals(e.getValue().shape(), f.tensors().get(e.getKey()).shape());
                assertTrue(back.data().isReadOnly(), "zero-copy views of a read-only mapping");
                assertTrue(f.contains(e.getKey()));
            }
            long previousEnd = 0;
            for (TensorInfo info : f.tensors().values()) { // iteration is in offset order
                assertEquals(previousEnd, info.begin());
                previousEnd = info.end();
            }
            assertEquals(Files.size(file) - 8 - headerLength(file), previousEnd);
            assertFalse(f.contains("nope"));
        }
    }

    @Test
    void scalarValueIsReadLittleEndian() throws IOException {
        Path file = dir.resolve("scalar.safetensors");
        SafetensorsWriter.write(file, Map.of("pi", HostTensor.ofFloats(new float[] {3.5f})), Map.of());
        HostTensor t;
        SafetensorsFile f = SafetensorsFile.open(file);
        try (f) {
            t = f.get("pi");
            assertEquals(0, t.shape().length);
            assertEquals(3.5f, t.data().getFloat(0));
        }
        assertEquals(3.5f, t.data().getFloat(0), "views outlive the file");
        assertThrows(IllegalStateException.class, () -> f.get("pi"));
    }

    @Test
    void unknownNameListsAvailableNames() throws IOException {
        Path file = dir.resolve("names.safetensors");
        SafetensorsWriter.write(file, Map.of("alpha", HostTensor.ofFloats(new float[] {1}, 1)), null);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> f.get("beta"));
            assertTrue(e.getMessage().contains("'beta'") && e.getMessage().contains("alpha")
                    && e.getMessage().contains("names.safetensors"), e.getMessage());
        }
    }

    @Test
    void readerIgnoresWriterOrderAndUsesOffsets() throws IOException {
        // Hand-made file whose header lists the tensors in reverse offset order (as old writers did).
        String json = "{\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]},"
                + "\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}";
        Path file = raw("reversed", json, new byte[] {1, 2, 3, 4});
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(List.of("a", "b"), List.copyOf(f.names()));
            assertEquals(3, f.get("b").data().get(0));
        }
    }

    /** Beyond 2 GiB the file is mapped per tensor; a sparse file keeps this test cheap on disk. */
    @Test
    void filesLargerThanTwoGibAreMappedPerTensor() throws IOException {
        long big = 1L << 31; // one byte more than a Java buffer can hold
        String json = "{" + entry("huge", "U8", "[" + big + "]", 0, big) + ","
                + entry("tail", "F32", "[2]", big, big + 8) + "}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("sparse.safetensors");
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            raf.write(prefix.putLong(header.length).put(header).array());
            raf.seek(8 + header.length + big);
            ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f);
            raf.write(tail.array());
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            HostTensor t = f.get("tail");
            assertEquals(1.5f, t.data().getFloat(0));
            assertEquals(-2f, t.data().getFloat(4));
            IOException e = assertThrows(IOException.class, () -> f.get("huge"));
            assertTrue(e.getMessage().contains("'huge'") && e.getMessage().contains("2 GiB"), e.getMessage());
        }
    }

    // ---- malformed corpus ----

    private static long headerLength(Path file) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** A file with the given header text (length prefix computed) followed by data bytes. */
    private Path raw(String name, String json, byte[] data) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return rawBytes(name, header.length, header, data);
    }

    private Path rawBytes(String name, long declaredLength, byte[] header, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength).put(header).put(data);
        Path file = dir.resolve(name + ".safetensors");
        Files.write(file, b.array());
        return file;
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    private static void assertRejected(Path file, String... fragments) {
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> {
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                f.names();
            }
        });
        assertTrue(e.getMessage().contains(file.toString()), () -> "names the file: " + e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "'" + fragment + "' missing in: " + e.getMessage());
        }
    }

    @Test
    void rejectsFileOfThreeBytes() throws IOException {
        Path file = dir.resolve("tiny.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        assertRejected(file, "3 bytes", "too short");
    }

    @Test
    void rejectsTruncatedData() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafetensorsWriter.write(good, Map.of("w", HostTensor.ofFloats(new float[] {1, 2, 3, 4}, 4)), null);
        byte[] bytes = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 3));
        assertRejected(cut, "truncated", "16", "13");
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        assertRejected(raw("trailing", "{" + entry("w", "U8", "[2]", 0, 2) + "}", new byte[] {1, 2, 3}),
                "trailing", "3 bytes");
    }

    @Test
    void rejectsHeaderLengthPastEndOfFile() throws IOException {
        assertRejected(rawBytes("past", 1000, "{}".getBytes(StandardCharsets.US_ASCII), new byte[0]),
                "1000", "past the end");
    }

    @Test
    void rejectsHugeHeaderLengths() throws IOException {
        assertRejected(rawBytes("huge62", 1L << 62, new byte[0], new byte[16]), "4611686018427387904", "exceeds");
        assertRejected(rawBytes("hugeMax", 0xFFFFFFFFFFFFFFFFL, new byte[0], new byte[16]),
                "18446744073709551615", "exceeds");
        assertRejected(rawBytes("justOver", 100_000_001, new byte[0], new byte[16]), "100000001", "exceeds");
    }

    @Test
    void rejectsOverlappingOffsets() throws IOException {
        String json = "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}";
        assertRejected(raw("overlap", json, new byte[12]), "overlap", "'b'", "'a'");
    }

    @Test
    void rejectsGappedOffsets() throws IOException {
        String json = "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 12, 20) + "}";
        assertRejected(raw("gap", json, new byte[20]), "gap", "'b'", "12");
    }

    @Test
    void rejectsDataNotStartingAtZero() throws IOException {
        assertRejected(raw("late", "{" + entry("a", "U8", "[2]", 2, 4) + "}", new byte[4]), "gap", "'a'");
    }

    @Test
    void rejectsWrongByteCount() throws IOException {
        assertRejected(raw("count", "{" + entry("w", "F32", "[3]", 0, 8) + "}", new byte[8]), "'w'", "8 bytes",
                "needs 12");
    }

    @Test
    void rejectsNumelOverflow() throws IOException {
        assertRejected(raw("overflow", "{" + entry("w", "F32", "[4294967296,4294967296]", 0, 8) + "}", new byte[8]),
                "'w'", "overflows");
        assertRejected(raw("overflow2", "{" + entry("w", "F64", "[1152921504606846976,2]", 0, 8) + "}", new byte[8]),
                "'w'", "overflows");
    }

    @Test
    void rejectsBadShapes() throws IOException {
        assertRejected(raw("neg", "{" + entry("w", "U8", "[-1]", 0, 0) + "}", new byte[0]), "'w'", "non-negative");
        assertRejected(raw("frac", "{" + entry("w", "U8", "[1.5]", 0, 0) + "}", new byte[0]), "'w'", "shape");
        assertRejected(raw("str", "{" + entry("w", "U8", "\"2\"", 0, 2) + "}", new byte[2]), "'w'", "shape");
        assertRejected(raw("big", "{" + entry("w", "U8", "[99999999999999999999]", 0, 0) + "}", new byte[0]), "'w'",
                "64-bit");
    }

    @Test
    void rejectsBadOffsets() throws IOException {
        assertRejected(raw("reversed", "{" + entry("w", "U8", "[0]", 4, 2) + "}", new byte[4]), "'w'", "begin 4 > end 2");
        assertRejected(raw("three", "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1,2]}}", new byte[1]),
                "'w'", "data_offsets");
        assertRejected(raw("missing", "{\"w\":{\"dtype\":\"U8\",\"shape\":[1]}}", new byte[1]), "'w'", "data_offsets");
    }

    @Test
    void rejectsNonJsonHeader() throws IOException {
        assertRejected(raw("text", "this is not json", new byte[0]), "not valid JSON");
        assertRejected(raw("trailingJson", "{} {}", new byte[0]), "not valid JSON");
        assertRejected(raw("blank", "        ", new byte[0]), "empty");
    }

    @Test
    void rejectsDeeplyNestedJsonWithoutStackOverflow() throws IOException {
        assertRejected(raw("deep", "{\"a\":" + "[".repeat(200_000), new byte[0]), "not valid JSON");
    }

    @Test
    void rejectsInvalidUtf8() throws IOException {
        byte[] header = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        assertRejected(rawBytes("utf8", header.length, header, new byte[0]), "UTF-8");
    }

    @Test
    void rejectsHeaderThatIsAnArray() throws IOException {
        assertRejected(raw("array", "[]      ", new byte[0]), "JSON object", "ARRAY");
    }

    @Test
    void rejectsDuplicateNames() throws IOException {
        String json = "{" + entry("w", "U8", "[2]", 0, 2) + "," + entry("w", "U8", "[2]", 2, 4) + "}";
        assertRejected(raw("dup", json, new byte[4]), "Duplicate", "'w'");
    }

    @Test
    void rejectsUnknownDtype() throws IOException {
        assertRejected(raw("dtype", "{" + entry("w", "F128", "[1]", 0, 16) + "}", new byte[16]), "'w'",
                "unknown dtype 'F128'", "BF16");
        assertRejected(raw("lower", "{" + entry("w", "f32", "[1]", 0, 4) + "}", new byte[4]), "unknown dtype 'f32'");
    }

    @Test
    void rejectsBadMetadataAndEntries() throws IOException {
        assertRejected(raw("metaNum", "{\"__metadata__\":{\"step\":3}}", new byte[0]), "__metadata__", "'step'");
        assertRejected(raw("metaList", "{\"__metadata__\":[]}", new byte[0]), "__metadata__");
        assertRejected(raw("entryNum", "{\"w\":5}", new byte[0]), "'w'", "entry must be an object");
    }

    /** Random corruption must end in a format error or a valid file, never another failure. */
    @Test
    void randomCorruptionNeverEscapesAsOtherErrors() throws IOException {
        Random r = new Random(3);
        Map<String, HostTensor> in = new LinkedHashMap<>();
        in.put("a", random(TensorDType.F32, r, 3, 2));
        in.put("b", random(TensorDType.BF16, r, 4));
        in.put("c", random(TensorDType.I64, r));
        Path good = dir.resolve("fuzz-good.safetensors");
        SafetensorsWriter.write(good, in, null);
        byte[] original = Files.readAllBytes(good);
        int headerEnd = 8 + (int) headerLength(good);
        Path bad = dir.resolve("fuzz.safetensors");
        int rejected = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] b = original.clone();
            int flips = 1 + r.nextInt(3);
            for (int k = 0; k < flips; k++) {
                int at = r.nextInt(headerEnd); // header and length prefix, where parsing happens
                b[at] = r.nextInt(4) == 0 ? (byte) r.nextInt(256) : (byte) JSON_CHARS.charAt(
                        r.nextInt(JSON_CHARS.length()));
            }
            if (r.nextInt(10) == 0) {
                b = Arrays.copyOf(b, r.nextInt(b.length + 16));
            }
            Files.write(bad, b);
            try (SafetensorsFile f = SafetensorsFile.open(bad)) {
                for (String name : f.names()) {
                    f.get(name); // whatever validated must also be readable
                }
            } catch (SafetensorsFormatException e) {
                rejected++;
                assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
            }
        }
        assertTrue(rejected > 1000, "most corruptions are detected: " + rejected);
    }
}
