package org.finetune4j.io.safetensors;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.stream.Collectors;
import org.finetune4j.io.HostTensor;

/**
 * A memory-mapped, validated safetensors file.
 *
 * <p>{@link #open} checks the whole header before mapping anything, so a corrupt or hostile file fails
 * with a {@link SafetensorsFormatException} instead of a huge allocation or a crash. Tensors are then
 * zero-copy views of the mapping: {@link #get} costs no copy and no heap beyond the view object.
 *
 * <p>Files whose data section fits in one mapping (under 2 GiB) are mapped once; larger files map each
 * tensor's own region on demand, since a Java buffer cannot address more than 2 GiB.
 *
 * <p>Views stay valid after {@link #close()} (the JVM unmaps only when they are garbage collected), but no
 * new tensor can be read from a closed file.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** The reference reader's limit on the JSON header ({@code HeaderTooLarge}). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final SafetensorsHeader header;
    /** The whole data section when it is under 2 GiB, else null (map per tensor). */
    private final MappedByteBuffer data;
    private volatile boolean closed;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, SafetensorsHeader header,
            MappedByteBuffer data) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.header = header;
        this.data = data;
    }

    /** Opens, validates and maps a file. */
    public static SafetensorsFile open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw SafetensorsFormatException.of(file, "file has " + fileSize
                        + " bytes, too short for the 8-byte header length");
            }
            long headerLength = readFully(channel, 0, 8).getLong(); // u64 LE; negative means >= 2^63
            if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
                throw SafetensorsFormatException.of(file, "header length " + Long.toUnsignedString(headerLength)
                        + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
            }
            if (8 + headerLength > fileSize) {
                throw SafetensorsFormatException.of(file, "header length " + headerLength
                        + " runs past the end of the file (" + fileSize + " bytes)");
            }
            long dataStart = 8 + headerLength;
            long dataLength = fileSize - dataStart;
            SafetensorsHeader header = SafetensorsHeader.parse(file, readFully(channel, 8, (int) headerLength),
                    dataLength);
            MappedByteBuffer data = dataLength <= Integer.MAX_VALUE
                    ? channel.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLength)
                    : null;
            return new SafetensorsFile(file, channel, dataStart, header, data);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) {
                throw new EOFException("unexpected end of file at byte " + (position + buf.position()));
            }
        }
        return buf.flip();
    }

    public Path path() {
        return path;
    }

    /** Header entries in data-offset order. */
    public Map<String, TensorInfo> tensors() {
        return header.tensors();
    }

    /** The {@code __metadata__} map, empty when the file has none. */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    public Set<String> names() {
        return header.tensors().keySet();
    }

    public boolean contains(String name) {
        return header.tensors().containsKey(name);
    }

    /** The header entry of one tensor; the error lists a few names that do exist. */
    public TensorInfo info(String name) {
        TensorInfo info = header.tensors().get(name);
        if (info == null) {
            throw new NoSuchElementException(path + ": no tensor '" + name + "'; the file has " + names().size()
                    + " tensors, e.g. " + names().stream().limit(5).collect(Collectors.joining(", ", "[", "]")));
        }
        return info;
    }

    /**
     * A read-only, little-endian, zero-copy view of one tensor.
     *
     * @throws NoSuchElementException if there is no such tensor (the message lists some that exist)
     */
    public HostTensor get(String name) throws IOException {
        TensorInfo info = info(name);
        if (closed) {
            throw new IllegalStateException(path + " is closed");
        }
        ByteBuffer bytes;
        if (info.byteSize() == 0) {
            bytes = ByteBuffer.allocate(0);
        } else if (data != null) {
            bytes = data.slice((int) info.begin(), (int) info.byteSize());
        } else if (info.byteSize() > Integer.MAX_VALUE) {
            throw new IOException(path + ": tensor '" + name + "' has " + info.byteSize()
                    + " bytes; a Java buffer holds at most 2 GiB");
        } else {
            bytes = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), info.byteSize());
        }
        return new HostTensor(info.dtype(), info.shape(), bytes.order(ByteOrder.LITTLE_ENDIAN));
    }

    @Override
    public void close() throws IOException {
        closed = true;
        channel.close();
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + header.tensors().size() + " tensors]";
    }
}
