package org.finetune4j.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.safetensors.ShardedCheckpoint;

/** The tensors of an HF checkpoint directory (single or sharded safetensors), memory-mapped. */
public final class CheckpointWeights implements WeightSource, AutoCloseable {
    private final ShardedCheckpoint checkpoint;

    private CheckpointWeights(ShardedCheckpoint checkpoint) {
        this.checkpoint = checkpoint;
    }

    public static CheckpointWeights open(Path dir) throws IOException {
        return new CheckpointWeights(ShardedCheckpoint.open(dir));
    }

    @Override
    public Set<String> names() {
        return checkpoint.names();
    }

    @Override
    public HostTensor get(String name) {
        try {
            return checkpoint.get(name);
        } catch (IOException e) {
            throw new UncheckedIOException(checkpoint.dir() + ": cannot read tensor " + name, e);
        }
    }

    @Override
    public String description() {
        return checkpoint.dir().toString();
    }

    @Override
    public void close() throws IOException {
        checkpoint.close();
    }
}
