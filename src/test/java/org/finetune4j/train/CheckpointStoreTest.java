package org.finetune4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    @TempDir
    Path dir;

    static TrainerState state(int step) {
        return new TrainerState(step, 1, 2, 10, 7, 1e-3, 1.5, 1, 1.7, 1, 0, 0, 100, 5, List.of(2.0, 1.0),
                new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("learningRate", 1e-3));
    }

    @Test
    void keepsTheLastKAndIgnoresTemporaryDirectories() throws Exception {
        try (NDManager m = Djl.engine().newBaseManager()) {
            Map<String, Parameter> p = AdamWTest.params(m);
            try (AdamW opt = AdamWTest.adam(p)) {
                CheckpointStore store = new CheckpointStore(dir, 2);
                for (int s = 1; s <= 4; s++) {
                    store.save(state(s), opt.parameters(), opt);
                }
                // a crash while writing step 9 leaves a hidden temp dir with partial content
                Path crashed = Files.createDirectory(dir.resolve(".tmp-checkpoint-9-123"));
                Files.writeString(crashed.resolve(CheckpointStore.TRAINABLE), "partial");
                assertEquals(List.of(dir.resolve("checkpoint-3"), dir.resolve("checkpoint-4")), CheckpointStore.list(dir));
                assertEquals(dir.resolve("checkpoint-4"), CheckpointStore.latest(dir).orElseThrow());
                assertEquals(state(4), CheckpointStore.readState(dir.resolve("checkpoint-4")));
            }
        }
    }

    @Test
    void restoresInPlaceIntoTheSameParameterObjects() throws Exception {
        try (NDManager m = Djl.engine().newBaseManager()) {
            Map<String, Parameter> a = AdamWTest.params(m);
            Map<String, Parameter> b = AdamWTest.params(m);
            try (AdamW first = AdamWTest.adam(a); AdamW second = AdamWTest.adam(b)) {
                AdamWTest.step(m, first, 0);
                Path ckpt = new CheckpointStore(dir, 0).save(state(1), first.parameters(), first);
                NDArray before = b.get("w").getArray();
                b.get("w").getArray().set(new float[] {0, 0, 0, 0, 0, 0});
                TrainerState s = CheckpointStore.restore(ckpt, second.parameters(), second);
                assertEquals(1, s.step());
                assertSame(before, b.get("w").getArray());
                assertArrayEquals(a.get("w").getArray().toFloatArray(), b.get("w").getArray().toFloatArray());
                assertEquals(first.stateDict(), second.stateDict());
            }
        }
    }

    @Test
    void corruptOrMissingFilesAreNamed() throws Exception {
        try (NDManager m = Djl.engine().newBaseManager()) {
            Map<String, Parameter> p = AdamWTest.params(m);
            try (AdamW opt = AdamWTest.adam(p)) {
                Path ckpt = new CheckpointStore(dir, 0).save(state(1), opt.parameters(), opt);
                Path optFile = ckpt.resolve(CheckpointStore.OPTIMIZER);
                byte[] bytes = Files.readAllBytes(optFile);
                Files.write(optFile, java.util.Arrays.copyOf(bytes, bytes.length - 10), StandardOpenOption.TRUNCATE_EXISTING);
                CheckpointException e = assertThrows(CheckpointException.class,
                        () -> CheckpointStore.restore(ckpt, opt.parameters(), opt));
                assertTrue(e.getMessage().contains(optFile.toString()), e.getMessage());

                Files.delete(ckpt.resolve(CheckpointStore.TRAINABLE));
                e = assertThrows(CheckpointException.class, () -> CheckpointStore.restore(ckpt, opt.parameters(), opt));
                assertTrue(e.getMessage().contains(CheckpointStore.TRAINABLE), e.getMessage());

                Files.writeString(ckpt.resolve(CheckpointStore.STATE), "{\"step\": ");
                e = assertThrows(CheckpointException.class, () -> CheckpointStore.readState(ckpt));
                assertTrue(e.getMessage().contains(CheckpointStore.STATE), e.getMessage());
            }
        }
    }

    @Test
    void refusesToSaveNonFiniteWeights() throws Exception {
        try (NDManager m = Djl.engine().newBaseManager()) {
            Map<String, Parameter> p = AdamWTest.params(m);
            try (AdamW opt = AdamWTest.adam(p)) {
                p.get("b").getArray().set(new float[] {1f, Float.NaN, 0f});
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> new CheckpointStore(dir, 0).save(state(1), opt.parameters(), opt));
                assertTrue(e.getMessage().contains("b"), e.getMessage());
                assertTrue(CheckpointStore.list(dir).isEmpty());
            }
        }
    }
}
