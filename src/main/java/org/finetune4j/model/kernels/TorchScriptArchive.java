package org.finetune4j.model.kernels;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a minimal TorchScript archive (the zip {@code torch.jit.save} produces) for a module with no
 * parameters, so that libtorch ops DJL does not expose can be called from Java without Python.
 *
 * <p>The archive holds four records under one top-level folder: {@code data.pkl} (a pickled instance of
 * {@code __torch__.<ClassName>} whose only attribute is {@code training}), {@code code/__torch__.py} (the
 * class in TorchScript's serialized Python dialect), {@code constants.pkl} (an empty tuple) and
 * {@code version}. Records are stored uncompressed, as PyTorch writes them.
 *
 * @param className the TorchScript class, a Python identifier such as {@code Attention}
 * @param forward   the {@code forward} method: its signature line(s) after {@code def forward(self, } and
 *                  its body, each body line indented by four spaces
 */
public record TorchScriptArchive(String className, String forward) {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** File-format version: the oldest with a pickled module and no operator upgraders for the ops used here. */
    private static final String FORMAT_VERSION = "6\n";

    public TorchScriptArchive {
        if (!IDENTIFIER.matcher(className).matches()) {
            throw new IllegalArgumentException("TorchScript class name '" + className + "' is not an identifier");
        }
    }

    /** The {@code code/__torch__.py} record. */
    public String source() {
        return "class " + className + "(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  def forward(self: __torch__." + className + ",\n"
                + forward;
    }

    /**
     * {@code data.pkl}: pickle protocol 2 for {@code __torch__.<ClassName>()} with state
     * {@code {"training": False}}, the same opcodes the TorchScript pickler emits, without memo entries.
     */
    byte[] dataPickle() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80); // PROTO
        out.write(2);
        writeAscii(out, "c__torch__\n" + className + "\n"); // GLOBAL module \n name \n
        out.write(')'); // EMPTY_TUPLE: no constructor arguments
        out.write(0x81); // NEWOBJ
        out.write('}'); // EMPTY_DICT: the attribute state
        byte[] key = "training".getBytes(StandardCharsets.UTF_8);
        out.write('X'); // BINUNICODE, 4-byte little-endian length
        out.write(key.length);
        out.write(0);
        out.write(0);
        out.write(0);
        out.write(key, 0, key.length);
        out.write(0x89); // NEWFALSE
        out.write('s'); // SETITEM
        out.write('b'); // BUILD: apply the state to the object
        out.write('.'); // STOP
        return out.toByteArray();
    }

    /** {@code constants.pkl}: an empty tuple (PROTO 2, EMPTY_TUPLE, STOP). */
    static byte[] constantsPickle() {
        return new byte[] {(byte) 0x80, 2, ')', '.'};
    }

    /** The records, keyed by their path inside the archive's top-level folder {@code folder}. */
    Map<String, byte[]> records(String folder) {
        Map<String, byte[]> r = new LinkedHashMap<>();
        r.put(folder + "/data.pkl", dataPickle());
        r.put(folder + "/code/__torch__.py", source().getBytes(StandardCharsets.UTF_8));
        r.put(folder + "/constants.pkl", constantsPickle());
        r.put(folder + "/version", FORMAT_VERSION.getBytes(StandardCharsets.UTF_8));
        return r;
    }

    /**
     * Writes the archive to {@code file} through a temp file in the same folder and an atomic rename, so a
     * reader never sees a half-written zip. The top-level folder is named after the file (without
     * {@code .pt}).
     */
    public void write(Path file) throws IOException {
        String name = file.getFileName().toString();
        String folder = name.endsWith(".pt") ? name.substring(0, name.length() - 3) : name;
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, folder, ".tmp");
        try {
            try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
                for (Map.Entry<String, byte[]> e : records(folder).entrySet()) {
                    zip.putNextEntry(stored(e.getKey(), e.getValue()));
                    zip.write(e.getValue());
                    zip.closeEntry();
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static ZipEntry stored(String name, byte[] data) {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        return e;
    }

    private static void writeAscii(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        out.write(b, 0, b.length);
    }
}
