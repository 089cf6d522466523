package org.finetune4j.io.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.finetune4j.io.HostTensor;

/**
 * Writes safetensors files byte-identical to the reference implementation ({@code safetensors.torch.save_file}).
 *
 * <p>Layout (reference {@code prepare()}): tensors sorted by descending dtype alignment, then by name in
 * UTF-8 byte order; data offsets assigned consecutively; compact JSON header with {@code __metadata__}
 * first, padded with spaces to a multiple of 8 bytes. Large dtypes first keeps every tensor aligned to its
 * element size in a memory map.
 *
 * <p>The file is written atomically (temporary file, fsync, rename) and tensor data is streamed from the
 * tensors' own buffers, so memory use does not grow with the file.
 */
public final class SafetensorsWriter {
    /** Metadata written when the caller passes {@code null}: what Hugging Face tools expect. */
    public static final Map<String, String> PT_METADATA = Map.of("format", "pt");

    private SafetensorsWriter() {}

    /**
     * Writes (or atomically replaces) a safetensors file.
     *
     * @param file     target file; its directory must exist
     * @param tensors  tensors by name; the map order does not matter (the format fixes the order)
     * @param metadata the {@code __metadata__} map in the order to write; {@code null} writes
     *                 {@code {"format":"pt"}}, an empty map writes no {@code __metadata__} at all
     */
    public static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata)
            throws IOException {
        List<Map.Entry<String, HostTensor>> ordered = order(tensors);
        ByteBuffer header = header(ordered, metadata == null ? PT_METADATA : metadata);
        AtomicFiles.write(file, ch -> {
            AtomicFiles.writeFully(ch, header);
            for (Map.Entry<String, HostTensor> e : ordered) {
                AtomicFiles.writeFully(ch, e.getValue().data());
            }
        });
    }

    /** Descending dtype alignment, then name in UTF-8 byte order (Rust {@code String} order). */
    static List<Map.Entry<String, HostTensor>> order(Map<String, HostTensor> tensors) {
        List<Map.Entry<String, HostTensor>> list = new ArrayList<>(tensors.size());
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || e.getValue() == null) {
                throw new IllegalArgumentException("null tensor name or tensor in " + tensors.keySet());
            }
            if (name.equals(SafetensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("'" + name + "' is reserved and cannot name a tensor");
            }
            list.add(Map.entry(name, e.getValue()));
        }
        Comparator<Map.Entry<String, HostTensor>> byAlignment =
                Comparator.comparingInt(e -> -e.getValue().dtype().ordinal());
        list.sort(byAlignment.thenComparing(Map.Entry::getKey, SafetensorsWriter::compareUtf8));
        return list;
    }

    static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** The length prefix plus the padded JSON header, ready to write. */
    static ByteBuffer header(List<Map.Entry<String, HostTensor>> ordered, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder("{");
        boolean first = true;
        if (!metadata.isEmpty()) {
            json.append('"').append(SafetensorsHeader.METADATA_KEY).append("\":{");
            boolean firstMeta = true;
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                if (m.getKey() == null || m.getValue() == null) {
                    throw new IllegalArgumentException("null key or value in metadata " + metadata);
                }
                if (!firstMeta) {
                    json.append(',');
                }
                firstMeta = false;
                appendString(json, m.getKey()).append(':');
                appendString(json, m.getValue());
            }
            json.append('}');
            first = false;
        }
        long offset = 0;
        for (Map.Entry<String, HostTensor> e : ordered) {
            HostTensor t = e.getValue();
            if (!first) {
                json.append(',');
            }
            first = false;
            appendString(json, e.getKey()).append(":{\"dtype\":\"").append(t.dtype().name()).append("\",\"shape\":[");
            long[] shape = t.shape();
            for (int i = 0; i < shape.length; i++) {
                json.append(i == 0 ? "" : ",").append(shape[i]);
            }
            long end = offset + t.byteSize();
            json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        json.append('}');
        byte[] text = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) / 8 * 8;
        ByteBuffer buf = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded).put(text);
        while (buf.hasRemaining()) {
            buf.put((byte) ' ');
        }
        return buf.flip();
    }

    /** A JSON string escaped exactly as serde_json does (short escapes, else lowercase {@code \\u00xx}). */
    private static StringBuilder appendString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }
}
