package org.finetune4j.io.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.finetune4j.io.HostTensor;

/**
 * A checkpoint directory in the Hugging Face layout: one {@code model.safetensors}, or shards
 * {@code model-00001-of-00003.safetensors} ... plus {@code model.safetensors.index.json}.
 *
 * <p>Reading opens each shard once and serves tensors by name as zero-copy views. Writing splits the
 * tensors greedily into shards (like {@code save_pretrained}), writes every file atomically and removes
 * the files of an earlier save under the same base name only once the new ones are in place.
 */
public final class ShardedCheckpoint implements AutoCloseable {
    private static final String SUFFIX = ".safetensors";
    private static final String INDEX_SUFFIX = ".safetensors.index.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final Map<String, SafetensorsFile> fileByTensor;
    private final List<SafetensorsFile> shards;
    private final Map<String, String> metadata;

    private ShardedCheckpoint(Path dir, Map<String, SafetensorsFile> fileByTensor, List<SafetensorsFile> shards,
            Map<String, String> metadata) {
        this.dir = dir;
        this.fileByTensor = Collections.unmodifiableMap(fileByTensor);
        this.shards = List.copyOf(shards);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /**
     * Opens a checkpoint directory, looking in this order for {@code model.safetensors.index.json},
     * {@code model.safetensors}, a single {@code *.safetensors.index.json}, a single {@code *.safetensors}.
     */
    public static ShardedCheckpoint open(Path dir) throws IOException {
        requireDirectory(dir);
        if (Files.isRegularFile(dir.resolve("model" + INDEX_SUFFIX)) || Files.isRegularFile(dir.resolve("model" + SUFFIX))) {
            return open(dir, "model");
        }
        List<Path> indexes = list(dir, p -> p.endsWith(INDEX_SUFFIX));
        if (indexes.size() == 1) {
            return openIndexed(dir, indexes.get(0));
        }
        List<Path> files = list(dir, p -> p.endsWith(SUFFIX));
        if (files.size() == 1) {
            return openSingle(dir, files.get(0));
        }
        throw new NoSuchFileException(dir.toString(), null, "no model.safetensors.index.json or model.safetensors, and "
                + (indexes.size() > 1 ? indexes.size() + " index files " + names(indexes)
                : files.isEmpty() ? "no *.safetensors file" : files.size() + " *.safetensors files without an index "
                + names(files)));
    }

    /** Opens {@code baseName.safetensors.index.json} if present, else {@code baseName.safetensors}. */
    public static ShardedCheckpoint open(Path dir, String baseName) throws IOException {
        requireDirectory(dir);
        Path index = dir.resolve(baseName + INDEX_SUFFIX);
        if (Files.isRegularFile(index)) {
            return openIndexed(dir, index);
        }
        Path single = dir.resolve(baseName + SUFFIX);
        if (Files.isRegularFile(single)) {
            return openSingle(dir, single);
        }
        throw new NoSuchFileException(dir.toString(), null, "neither " + index.getFileName() + " nor "
                + single.getFileName() + " exists");
    }

    private static void requireDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a checkpoint directory");
        }
    }

    private static ShardedCheckpoint openSingle(Path dir, Path file) throws IOException {
        SafetensorsFile f = SafetensorsFile.open(file);
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        for (String name : f.names()) {
            byTensor.put(name, f);
        }
        return new ShardedCheckpoint(dir, byTensor, List.of(f), f.metadata());
    }

    private static ShardedCheckpoint openIndexed(Path dir, Path index) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(index, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new SafetensorsFormatException(index + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode weightMap = root == null ? null : root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw SafetensorsFormatException.of(index, "missing the object \"weight_map\"");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode meta = root.get("metadata");
        if (meta != null && meta.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                metadata.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
            }
        }
        Map<String, SafetensorsFile> openShards = new LinkedHashMap<>();
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String tensor = e.getKey();
                if (!e.getValue().isTextual()) {
                    throw SafetensorsFormatException.of(index, "weight_map entry '" + tensor
                            + "' must be a file name but is " + e.getValue());
                }
                String shardName = e.getValue().textValue();
                SafetensorsFile shard = openShards.get(shardName);
                if (shard == null) {
                    Path dirPath = dir.toAbsolutePath().normalize();
                    Path shardPath = dirPath.resolve(shardName).normalize();
                    if (!shardPath.startsWith(dirPath) || shardPath.equals(dirPath)) {
                        throw SafetensorsFormatException.of(index, "weight_map entry '" + tensor
                                + "' points outside the directory: " + shardName);
                    }
                    if (!Files.isRegularFile(shardPath)) {
                        throw new NoSuchFileException(shardPath.toString(), null, "shard named by " + index.getFileName()
                                + " for tensor '" + tensor + "' is missing in " + dir);
                    }
                    shard = SafetensorsFile.open(shardPath);
                    openShards.put(shardName, shard);
                }
                if (!shard.contains(tensor)) {
                    throw SafetensorsFormatException.of(shard.path(), "tensor '" + tensor + "' promised by "
                            + index.getFileName() + " is not in this shard");
                }
                byTensor.put(tensor, shard);
            }
        } catch (IOException | RuntimeException e) {
            closeAll(openShards.values(), e);
            throw e;
        }
        return new ShardedCheckpoint(dir, byTensor, new ArrayList<>(openShards.values()), metadata);
    }

    private static void closeAll(Iterable<SafetensorsFile> files, Throwable failure) {
        for (SafetensorsFile f : files) {
            try {
                f.close();
            } catch (IOException suppressed) {
                failure.addSuppressed(suppressed);
            }
        }
    }

    public Path dir() {
        return dir;
    }

    /** Tensor names, in index order (or file offset order for a single file). */
    public Set<String> names() {
        return fileByTensor.keySet();
    }

    public boolean contains(String name) {
        return fileByTensor.containsKey(name);
    }

    /** A zero-copy view of one tensor. */
    public HostTensor get(String name) throws IOException {
        return shardOf(name).get(name);
    }

    public TensorInfo info(String name) {
        return shardOf(name).info(name);
    }

    /**
     * The single file's {@code __metadata__}, or for a sharded checkpoint the index's {@code metadata}
     * (values as JSON text, e.g. {@code total_size -> "123"}).
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The opened files, in the order they were first named. */
    public List<Path> files() {
        return shards.stream().map(SafetensorsFile::path).collect(Collectors.toList());
    }

    private SafetensorsFile shardOf(String name) {
        SafetensorsFile f = fileByTensor.get(name);
        if (f == null) {
            throw new NoSuchElementException(dir + ": no tensor '" + name + "'; the checkpoint has " + names().size()
                    + " tensors, e.g. " + names().stream().limit(5).collect(Collectors.joining(", ", "[", "]")));
        }
        return f;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (SafetensorsFile f : shards) {
            try {
                f.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Saves tensors as {@code baseName.safetensors}, or, when their data exceeds {@code maxShardBytes}, as
     * {@code baseName-00001-of-0000N.safetensors} ... plus {@code baseName.safetensors.index.json}.
     *
     * <p>Shards are filled greedily in the map's iteration order; a tensor larger than the limit gets a
     * shard of its own. Every shard carries {@code {"format":"pt"}}. Files of an earlier save with the same
     * base name that the new save does not overwrite are deleted after the new files are complete.
     *
     * @param maxShardBytes largest data size (headers excluded) of one shard, e.g. 5_000_000_000
     * @return the files written: the shards in order, then the index file if one was written
     */
    public static List<Path> write(Path dir, String baseName, Map<String, HostTensor> tensors, long maxShardBytes)
            throws IOException {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive but is " + maxShardBytes);
        }
        if (baseName.isEmpty() || baseName.contains("/") || baseName.contains("\\")) {
            throw new IllegalArgumentException("baseName must be a plain file name prefix but is '" + baseName + "'");
        }
        Files.createDirectories(dir);
        List<Map<String, HostTensor>> groups = plan(tensors, maxShardBytes);
        List<Path> written = new ArrayList<>();
        if (groups.size() == 1) {
            Path file = dir.resolve(baseName + SUFFIX);
            SafetensorsWriter.write(file, groups.get(0), null);
            written.add(file);
        } else {
            Map<String, String> weightMap = new TreeMap<>(SafetensorsWriter::compareUtf8);
            long totalSize = 0;
            for (int i = 0; i < groups.size(); i++) {
                String name = String.format("%s-%05d-of-%05d%s", baseName, i + 1, groups.size(), SUFFIX);
                Path file = dir.resolve(name);
                SafetensorsWriter.write(file, groups.get(i), null);
                written.add(file);
                for (Map.Entry<String, HostTensor> e : groups.get(i).entrySet()) {
                    weightMap.put(e.getKey(), name);
                    totalSize += e.getValue().byteSize();
                }
            }
            ObjectNode index = JSON.createObjectNode();
            index.putObject("metadata").put("total_size", totalSize);
            ObjectNode map = index.putObject("weight_map");
            weightMap.forEach(map::put);
            byte[] json = (JSON.writeValueAsString(index) + "\n").getBytes(StandardCharsets.UTF_8);
            Path indexFile = dir.resolve(baseName + INDEX_SUFFIX);
            AtomicFiles.write(indexFile, ch -> AtomicFiles.writeFully(ch, ByteBuffer.wrap(json)));
            written.add(indexFile);
        }
        removeStale(dir, baseName, written);
        return written;
    }

    /** Greedy split in iteration order; never an empty shard, except one for an empty map. */
    private static List<Map<String, HostTensor>> plan(Map<String, HostTensor> tensors, long maxShardBytes) {
        List<Map<String, HostTensor>> groups = new ArrayList<>();
        Map<String, HostTensor> current = new LinkedHashMap<>();
        long size = 0;
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            long bytes = e.getValue().byteSize();
            if (!current.isEmpty() && size + bytes > maxShardBytes) {
                groups.add(current);
                current = new LinkedHashMap<>();
                size = 0;
            }
            current.put(e.getKey(), e.getValue());
            size += bytes;
        }
        groups.add(current);
        return groups;
    }

    private static void removeStale(Path dir, String baseName, List<Path> keep) throws IOException {
        Pattern shard = Pattern.compile(Pattern.quote(baseName) + "-\\d{5}-of-\\d{5}" + Pattern.quote(SUFFIX));
        List<Path> keepNames = keep.stream().map(Path::getFileName).collect(Collectors.toList());
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                boolean ours = shard.matcher(name).matches() || name.equals(baseName + SUFFIX)
                        || name.equals(baseName + INDEX_SUFFIX);
                if (ours && !keepNames.contains(p.getFileName())) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static List<Path> list(Path dir, java.util.function.Predicate<String> nameFilter) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                if (Files.isRegularFile(p) && nameFilter.test(p.getFileName().toString())) {
                    out.add(p);
                }
            }
        }
        Collections.sort(out);
        return out;
    }

    private static String names(List<Path> files) {
        return files.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", ", "[", "]"));
    }

    @Override
    public String toString() {
        return "ShardedCheckpoint[" + dir + ", " + names().size() + " tensors in " + shards.size() + " files]";
    }
}
