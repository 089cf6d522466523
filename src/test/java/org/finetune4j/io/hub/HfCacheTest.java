package org.finetune4j.io.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfCacheTest {

    private static final String COMMIT = "89abcdef0123456789abcdef0123456789abcdef";
    private static final String ETAG = "e".repeat(64);

    @TempDir
    Path tmp;

    @Test
    void rootFollowsTheEnvironmentPrecedence() {
        Path home = Path.of(System.getProperty("user.home"));
        assertEquals(Path.of("/a/hubcache"), new HfCache(Map.of("HF_HUB_CACHE", "/a/hubcache", "HF_HOME", "/b",
                "XDG_CACHE_HOME", "/c")).root());
        assertEquals(Path.of("/b/hub"), new HfCache(Map.of("HF_HOME", "/b", "XDG_CACHE_HOME", "/c")).root());
        assertEquals(Path.of("/c/huggingface/hub"), new HfCache(Map.of("XDG_CACHE_HOME", "/c")).root());
        assertEquals(home.resolve(".cache/huggingface/hub"), new HfCache(Map.of()).root());
        assertEquals(home.resolve("hf/hub"), new HfCache(Map.of("HF_HOME", "~/hf")).root());
    }

    @Test
    void repoFoldersAreNamedByTypeAndId() {
        HfCache cache = new HfCache(tmp);
        assertEquals(tmp.resolve("models--meta-llama--Llama-3.2-1B"), cache.repoDir("meta-llama/Llama-3.2-1B", RepoType.MODEL));
        assertEquals(tmp.resolve("datasets--tatsu-lab--alpaca"), cache.repoDir("tatsu-lab/alpaca", RepoType.DATASET));
        assertEquals(tmp.resolve("spaces--a--b"), cache.repoDir("a/b", RepoType.SPACE));
        assertEquals(tmp.resolve("models--gpt2"), cache.repoDir("gpt2", RepoType.MODEL));
        assertThrows(IllegalArgumentException.class, () -> cache.repoDir("../evil", RepoType.MODEL));
    }

    @Test
    void writtenFilesResolveThroughRefsAndRelativeSymlinks() throws IOException {
        HfCache cache = new HfCache(tmp);
        String repo = "org/model";
        byte[] bytes = "weights".getBytes(StandardCharsets.UTF_8);
        writeBlob(cache, repo, bytes);

        assertEquals(Optional.empty(), cache.snapshot(repo, "main"), "nothing recorded yet");
        Path link = cache.linkSnapshot(repo, RepoType.MODEL, COMMIT, "sub/dir/w.safetensors", ETAG);
        cache.writeRef(repo, RepoType.MODEL, "main", COMMIT);

        Path repoDir = tmp.resolve("models--org--model");
        assertEquals(COMMIT, Files.readString(repoDir.resolve("refs/main")));
        assertEquals(Path.of("../../../../blobs/" + ETAG), Files.readSymbolicLink(link));
        assertArrayEquals(bytes, Files.readAllBytes(link));
        assertEquals(Optional.of(repoDir.resolve("snapshots").resolve(COMMIT)), cache.snapshot(repo, "main"));
        assertEquals(Optional.of(link), cache.cachedFile(repo, "main", "sub/dir/w.safetensors"));
        assertEquals(Optional.of(link), cache.cachedFile(repo, COMMIT, "sub/dir/w.safetensors"), "commit used as-is");
        assertEquals(Optional.empty(), cache.cachedFile(repo, "main", "other.json"));
        assertEquals(Optional.empty(), cache.cachedFile(repo, "v1.0", "sub/dir/w.safetensors"), "unknown ref");

        Files.delete(cache.blobPath(repo, RepoType.MODEL, ETAG));
        assertEquals(Optional.empty(), cache.cachedFile(repo, "main", "sub/dir/w.safetensors"), "dangling link");
    }

    @Test
    void linkFallsBackToACopyWhereSymlinksAreUnavailable() throws IOException {
        HfCache cache = new HfCache(tmp, false);
        byte[] bytes = {1, 2, 3};
        writeBlob(cache, "org/model", bytes);
        Path file = cache.linkSnapshot("org/model", RepoType.MODEL, COMMIT, "model.safetensors", ETAG);
        assertFalse(Files.isSymbolicLink(file));
        assertArrayEquals(bytes, Files.readAllBytes(file));
    }

    @Test
    void refsOfBranchesWithSlashesAndMissingMarkers() throws IOException {
        HfCache cache = new HfCache(tmp);
        cache.writeRef("org/model", RepoType.MODEL, "refs/pr/1", COMMIT);
        assertEquals(Optional.of(COMMIT), cache.resolveCommit("org/model", RepoType.MODEL, "refs/pr/1"));
        assertFalse(cache.isKnownMissing("org/model", RepoType.MODEL, COMMIT, "chat_template.jinja"));
        cache.markMissing("org/model", RepoType.MODEL, COMMIT, "chat_template.jinja");
        assertTrue(cache.isKnownMissing("org/model", RepoType.MODEL, COMMIT, "chat_template.jinja"));
        assertTrue(Files.isRegularFile(tmp.resolve("models--org--model/.no_exist").resolve(COMMIT)
                .resolve("chat_template.jinja")));
    }

    @Test
    void corruptRefAndEscapingPathsAreRefused() throws IOException {
        HfCache cache = new HfCache(tmp);
        Path ref = tmp.resolve("models--org--model/refs/main");
        Files.createDirectories(ref.getParent());
        Files.writeString(ref, "not-a-commit");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> cache.snapshot("org/model", "main"));
        assertTrue(e.getMessage().contains(ref.toString()), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cache.cachedFile("org/model", COMMIT, "../../x"));
        assertThrows(IllegalArgumentException.class, () -> cache.cachedFile("org/model", COMMIT, "/etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> cache.blobPath("org/model", RepoType.MODEL, "../x"));
    }

    private static void writeBlob(HfCache cache, String repo, byte[] bytes) throws IOException {
        Path blob = cache.blobPath(repo, RepoType.MODEL, ETAG);
        Files.createDirectories(blob.getParent());
        Files.write(blob, bytes);
    }
}
