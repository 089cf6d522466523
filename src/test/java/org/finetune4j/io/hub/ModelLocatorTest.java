package org.finetune4j.io.hub;

import static org.finetune4j.io.hub.HubFixtures.COMMIT;
import static org.finetune4j.io.hub.HubFixtures.REPO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLocatorTest {

    @TempDir
    Path home;

    private ModelLocator.Options options(FakeHub hub, Map<String, String> extraEnv) {
        Map<String, String> env = new LinkedHashMap<>(extraEnv);
        env.put("HF_HOME", home.toString());
        env.put("HF_ENDPOINT", hub.endpoint().toString());
        return ModelLocator.Options.builder().optEnvironment(env).build();
    }

    @Test
    void downloadsOnceThenReusesTheCacheOfflineWithTheServerStopped() throws IOException {
        Map<String, FakeHub.FakeFile> files = HubFixtures.tinyModelFiles();
        Path snapshot;
        try (FakeHub hub = new FakeHub().addRepo(REPO, COMMIT, false, files)) {
            snapshot = ModelLocator.resolve(REPO, "main", options(hub, Map.of()));
            assertEquals(home.resolve("hub/models--acme--tiny-llama/snapshots").resolve(COMMIT), snapshot);
            assertArrayEquals(files.get("model.safetensors").content(),
                    Files.readAllBytes(snapshot.resolve("model.safetensors")));
            assertFalse(Files.exists(snapshot.resolve("pytorch_model.bin")));
            assertFalse(Files.exists(snapshot.resolve("original/params.json")));

            int before = hub.seen().size();
            assertEquals(snapshot, ModelLocator.resolve(REPO, "main", options(hub, Map.of())));
            assertEquals(before, hub.seen().size(), "complete cached snapshot needs no request");
        }
        assertEquals(snapshot, ModelLocator.resolve(REPO, "main",
                options(newStoppedHub(), Map.of("HF_HUB_OFFLINE", "1"))));
        assertEquals(snapshot, ModelLocator.resolve(REPO, null, options(newStoppedHub(), Map.of())));
    }

    @Test
    void offlineWithoutCacheIsAClearError() throws IOException {
        HubException e = assertThrows(HubException.class, () -> ModelLocator.resolve(REPO, "main",
                options(newStoppedHub(), Map.of("HF_HUB_OFFLINE", "1"))));
        assertEquals(HubException.Reason.OFFLINE, e.reason());
        assertTrue(e.getMessage().contains(REPO) && e.getMessage().contains("HF_HUB_OFFLINE"), e.getMessage());
    }

    @Test
    void shardedCheckpointIsCompleteOnlyWithAllShards() throws IOException {
        Map<String, FakeHub.FakeFile> files = new LinkedHashMap<>();
        files.put("config.json", HubFixtures.text("{}"));
        files.put("model.safetensors.index.json", HubFixtures.text(
                "{\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\"}}"));
        files.put("model-00001-of-00002.safetensors", new FakeHub.FakeFile(HubFixtures.randomBytes(1000, 7), true));
        files.put("model-00002-of-00002.safetensors", new FakeHub.FakeFile(HubFixtures.randomBytes(2000, 8), true));
        try (FakeHub hub = new FakeHub().addRepo("acme/sharded", COMMIT, false, files)) {
            Path snapshot = ModelLocator.resolve("acme/sharded", "main", options(hub, Map.of()));
            assertTrue(ModelLocator.isCompleteSnapshot(snapshot));
            Files.delete(snapshot.resolve("model-00002-of-00002.safetensors"));
            assertFalse(ModelLocator.isCompleteSnapshot(snapshot));

            int before = hub.seen().size();
            Path again = ModelLocator.resolve("acme/sharded", "main", options(hub, Map.of()));
            assertTrue(ModelLocator.isCompleteSnapshot(again), "incomplete snapshot is completed");
            assertTrue(hub.seen().size() > before);
        }
    }

    @Test
    void localDirectoryIsUsedAsIsAndNeedsConfig() throws IOException {
        Path dir = Files.createDirectories(home.resolve("my-model"));
        IOException missing = assertThrows(IOException.class,
                () -> ModelLocator.resolve(dir.toString(), null, ModelLocator.Options.defaults()));
        assertTrue(missing.getMessage().contains(dir.toString()) && missing.getMessage().contains("config.json"));
        Files.writeString(dir.resolve("config.json"), "{}");
        assertEquals(dir, ModelLocator.resolve(dir.toString(), null, ModelLocator.Options.defaults()));
    }

    @Test
    void sourceParsingTellsPathsFromRepoIds() throws IOException {
        Path dir = Files.createDirectories(home.resolve("m"));
        assertEquals(new ModelSource.LocalDirectory(dir), ModelSource.parse(dir.toString(), "main"));
        assertEquals(new ModelSource.HubRepo("Qwen/Qwen2.5-0.5B", "main"), ModelSource.parse("Qwen/Qwen2.5-0.5B", null));
        assertInstanceOf(ModelSource.HubRepo.class, ModelSource.parse("gpt2", "v1"));

        IllegalArgumentException notDir = assertThrows(IllegalArgumentException.class,
                () -> ModelSource.parse(home.resolve("absent").toString(), null));
        assertTrue(notDir.getMessage().contains("does not exist"), notDir.getMessage());
        IllegalArgumentException neither = assertThrows(IllegalArgumentException.class,
                () -> ModelSource.parse("not a repo!", null));
        assertTrue(neither.getMessage().contains("neither"), neither.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelSource.parse("org--x/y", null));
        Path file = Files.writeString(home.resolve("f.json"), "{}");
        assertThrows(IllegalArgumentException.class, () -> ModelSource.parse(file.toString(), null));
    }

    /** A hub that is already stopped: any request would fail with "connection refused". */
    private static FakeHub newStoppedHub() throws IOException {
        FakeHub hub = new FakeHub();
        hub.close();
        return hub;
    }
}
