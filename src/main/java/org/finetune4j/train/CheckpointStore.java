package org.finetune4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.NDArrays;
import org.finetune4j.io.TensorDType;
import org.finetune4j.io.safetensors.SafetensorsFile;
import org.finetune4j.io.safetensors.SafetensorsWriter;

/**
 * Training checkpoints: one directory {@code checkpoint-<step>/} per save, holding
 * {@value #TRAINABLE} (trainable parameters by name, F32), {@value #OPTIMIZER} (AdamW moments and step)
 * and {@value #STATE} ({@link TrainerState}).
 *
 * <p>A checkpoint is written into a hidden temporary directory and renamed into place in one atomic
 * move, so a crash leaves either the complete checkpoint or a temporary directory that
 * {@link #latest(Path)} ignores. Older checkpoints beyond {@code keepLast} are deleted only after the new
 * one is in place.
 */
public final class CheckpointStore {
    public static final String TRAINABLE = "trainable.safetensors";
    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String STATE = "trainer_state.json";
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");
    private static final String TEMP_PREFIX = ".tmp-checkpoint-";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;
    private final int keepLast;

    /**
     * @param root     directory holding the checkpoints (created when needed)
     * @param keepLast newest checkpoints to keep (0 = all)
     */
    public CheckpointStore(Path root, int keepLast) {
        if (keepLast < 0) {
            throw new IllegalArgumentException("keepLast must be >= 0: " + keepLast);
        }
        this.root = root;
        this.keepLast = keepLast;
    }

    public Path root() {
        return root;
    }

    /**
     * Saves a checkpoint and prunes old ones.
     *
     * @throws IllegalStateException if a parameter holds NaN or infinity (never persisted)
     * @return the {@code checkpoint-<step>} directory
     */
    public Path save(TrainerState state, Map<String, Parameter> trainable, AdamW optimizer) throws IOException {
        Map<String, HostTensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : trainable.entrySet()) {
            NDArray a = e.getValue().getArray();
            HostTensor t = NDArrays.fromNDArray(a, TensorDType.F32);
            requireFinite(e.getKey(), t);
            weights.put(e.getKey(), t);
        }
        Files.createDirectories(root);
        Path target = root.resolve("checkpoint-" + state.step());
        Path tmp = Files.createTempDirectory(root, TEMP_PREFIX + state.step() + "-");
        try {
            SafetensorsWriter.write(tmp.resolve(TRAINABLE), weights, null);
            SafetensorsWriter.write(tmp.resolve(OPTIMIZER), optimizer.stateDict(), null);
            Files.writeString(tmp.resolve(STATE), JSON.writeValueAsString(state));
            Path old = null;
            if (Files.exists(target)) { // the same step saved again (e.g. interrupted right after a save)
                old = Files.createTempDirectory(root, TEMP_PREFIX + "old-");
                Files.delete(old);
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            if (old != null) {
                deleteTree(old);
            }
        } finally {
            if (Files.exists(tmp)) {
                deleteTree(tmp);
            }
        }
        prune();
        return target;
    }

    private static void requireFinite(String name, HostTensor t) {
        var f = t.data().asFloatBuffer();
        for (int i = 0; i < f.limit(); i++) {
            if (!Float.isFinite(f.get(i))) {
                throw new IllegalStateException("refusing to checkpoint parameter " + name
                        + ": element " + i + " is " + f.get(i));
            }
        }
    }

    private void prune() throws IOException {
        if (keepLast == 0) {
            return;
        }
        List<Path> all = list(root);
        for (int i = 0; i < all.size() - keepLast; i++) {
            deleteTree(all.get(i));
        }
    }

    /** Complete checkpoints under {@code root}, oldest (lowest step) first; temporary directories excluded. */
    public static List<Path> list(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                if (Files.isDirectory(p) && NAME.matcher(p.getFileName().toString()).matches()) {
                    out.add(p);
                }
            }
        }
        out.sort(Comparator.comparingLong(CheckpointStore::stepOf));
        return out;
    }

    /** The newest complete checkpoint under {@code root}, if any. */
    public static Optional<Path> latest(Path root) throws IOException {
        List<Path> all = list(root);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The step encoded in a {@code checkpoint-<step>} directory name. */
    public static long stepOf(Path checkpoint) {
        Matcher m = NAME.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(checkpoint + " is not a checkpoint-<step> directory");
        }
        return Long.parseLong(m.group(1));
    }

    /** Reads {@value #STATE} of a checkpoint. */
    public static TrainerState readState(Path checkpoint) throws IOException {
        Path file = checkpoint.resolve(STATE);
        try {
            return JSON.readValue(Files.readString(file), TrainerState.class);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file + " is missing: " + checkpoint + " is not a complete checkpoint", e);
        } catch (JsonProcessingException e) {
            throw new CheckpointException("corrupt trainer state " + file + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Restores a checkpoint in place: parameter values are copied into the existing arrays (the
     * {@code Parameter} objects stay the same) and the optimizer state is loaded.
     *
     * @return the trainer state stored with it
     * @throws CheckpointException naming the missing or corrupt file or tensor
     */
    public static TrainerState restore(Path checkpoint, Map<String, Parameter> trainable, AdamW optimizer)
            throws IOException {
        TrainerState state = readState(checkpoint);
        Map<String, HostTensor> weights = readAll(checkpoint.resolve(TRAINABLE));
        for (Map.Entry<String, Parameter> e : trainable.entrySet()) {
            HostTensor t = weights.get(e.getKey());
            if (t == null) {
                throw new CheckpointException(checkpoint.resolve(TRAINABLE) + " has no tensor " + e.getKey());
            }
            try {
                TensorCopy.copyInto(t, e.getValue().getArray());
            } catch (IllegalArgumentException ex) {
                throw new CheckpointException(checkpoint.resolve(TRAINABLE) + ", tensor " + e.getKey() + ": "
                        + ex.getMessage(), ex);
            }
        }
        Path opt = checkpoint.resolve(OPTIMIZER);
        try {
            optimizer.loadStateDict(readAll(opt));
        } catch (IllegalArgumentException ex) {
            throw new CheckpointException(opt + ": " + ex.getMessage(), ex);
        }
        return state;
    }

    private static Map<String, HostTensor> readAll(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file + " is missing");
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            Map<String, HostTensor> out = new LinkedHashMap<>();
            for (String n : f.names()) {
                HostTensor t = f.get(n);
                // copy out of the mapping before the file is closed
                java.nio.ByteBuffer copy = java.nio.ByteBuffer.allocate((int) t.byteSize());
                copy.put(t.data()).flip();
                out.put(n, new HostTensor(t.dtype(), t.shape(), copy));
            }
            return out;
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
