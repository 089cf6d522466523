package org.finetune4j.io.hub;

import static org.finetune4j.io.hub.HubFixtures.COMMIT;
import static org.finetune4j.io.hub.HubFixtures.PRIVATE_REPO;
import static org.finetune4j.io.hub.HubFixtures.REPO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubClientTest {

    @TempDir
    Path home;

    private FakeHub hub;
    private HfCache cache;
    private final Map<String, FakeHub.FakeFile> files = HubFixtures.tinyModelFiles();

    @BeforeEach
    void startHub() throws IOException {
        hub = new FakeHub().addRepo(REPO, COMMIT, false, files).addRepo(PRIVATE_REPO, COMMIT, true, files);
        cache = new HfCache(home.resolve("hub"));
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void freshSnapshotDownloadReproducesTheRepoInTheCacheLayout() throws IOException {
        HubClient client = HubFixtures.client(hub, home).build();
        Path snapshot = client.snapshotDownload(REPO, RepoType.MODEL, "main", FilePatterns.ALL, DownloadProgress.NONE);

        Path repoDir = home.resolve("hub").resolve("models--acme--tiny-llama");
        assertEquals(repoDir.resolve("snapshots").resolve(COMMIT), snapshot);
        assertEquals(COMMIT, Files.readString(repoDir.resolve("refs/main"), StandardCharsets.UTF_8));
        for (Map.Entry<String, FakeHub.FakeFile> e : files.entrySet()) {
            Path file = snapshot.resolve(e.getKey());
            assertArrayEquals(e.getValue().content(), Files.readAllBytes(file), e.getKey());
            assertTrue(Files.isSymbolicLink(file), e.getKey() + " should be a symlink");
            String expectedTarget = "../".repeat(e.getKey().split("/").length + 1) + "blobs/" + e.getValue().etag();
            assertEquals(Path.of(expectedTarget), Files.readSymbolicLink(file), e.getKey());
            assertArrayEquals(e.getValue().content(),
                    Files.readAllBytes(repoDir.resolve("blobs").resolve(e.getValue().etag())));
        }
        try (Stream<Path> blobs = Files.list(repoDir.resolve("blobs"))) {
            assertEquals(files.size(), blobs.count(), "one blob per file, no leftovers (.incomplete)");
        }
    }

    @Test
    void fileMetadataReadsCommitEtagSizeAndCdnLocation() throws IOException {
        HubClient client = HubFixtures.client(hub, home).build();
        FileMetadata lfs = client.fileMetadata(REPO, RepoType.MODEL, "main", "model.safetensors");
        FakeHub.FakeFile weights = files.get("model.safetensors");
        assertEquals(COMMIT, lfs.commit());
        assertEquals(FakeHub.sha256Hex(weights.content()), lfs.etag());
        assertTrue(lfs.isSha256());
        assertEquals(weights.content().length, lfs.size());
        assertTrue(lfs.location().getPath().startsWith("/lfs/"), lfs.location().toString());
        assertFalse(HubClient.sameOrigin(lfs.location(), hub.endpoint()));

        FileMetadata small = client.fileMetadata(REPO, RepoType.MODEL, "main", "config.json");
        assertEquals(FakeHub.gitBlobSha1(files.get("config.json").content()), small.etag(), "W/ and quotes stripped");
        assertFalse(small.isSha256());
        assertEquals(files.get("config.json").content().length, small.size());
    }

    @Test
    void singleDownloadAtACachedCommitMakesNoRequest() throws IOException {
        HubClient client = HubFixtures.client(hub, home).build();
        Path first = client.download(REPO, "main", "config.json", DownloadProgress.NONE);
        int requests = hub.seen().size();
        Path again = client.download(REPO, COMMIT, "config.json", DownloadProgress.NONE);
        assertEquals(first, again);
        assertEquals(requests, hub.seen().size());
        assertEquals(first, cache.cachedFile(REPO, "main", "config.json").orElseThrow());
    }

    @Test
    void interruptedTransferIsResumedWithRangeWithinOneCall() throws IOException {
        int k = 70_000;
        hub.interruptFirstGet("model.safetensors", k);
        List<long[]> progress = new ArrayList<>();
        HubClient client = HubFixtures.client(hub, home).build();
        Path file = client.download(REPO, "main", "model.safetensors", (p, done, total) -> progress.add(new long[] {done, total}));

        assertArrayEquals(files.get("model.safetensors").content(), Files.readAllBytes(file));
        List<FakeHub.Seen> gets = hub.seenGets("/lfs/" + files.get("model.safetensors").etag());
        assertEquals(2, gets.size());
        assertNull(gets.get(0).range());
        assertEquals("bytes=" + k + "-", gets.get(1).range());
        long total = files.get("model.safetensors").content().length;
        assertEquals(total, progress.get(progress.size() - 1)[0]);
        assertTrue(progress.stream().allMatch(p -> p[1] == total && p[0] <= total));
    }

    @Test
    void partialFileLeftByAFailedRunIsResumedByTheNextRun() throws IOException {
        int k = 123_456;
        hub.interruptFirstGet("model.safetensors", k);
        FakeHub.FakeFile weights = files.get("model.safetensors");
        HubClient noRetry = HubFixtures.client(hub, home).optMaxRetries(0).build();
        HubException failure = assertThrows(HubException.class,
                () -> noRetry.download(REPO, "main", "model.safetensors", DownloadProgress.NONE));
        assertEquals(HubException.Reason.SERVER, failure.reason());
        Path incomplete = cache.incompletePath(REPO, RepoType.MODEL, weights.etag());
        assertEquals(k, Files.size(incomplete));

        Path file = HubFixtures.client(hub, home).build().download(REPO, "main", "model.safetensors",
                DownloadProgress.NONE);
        assertArrayEquals(weights.content(), Files.readAllBytes(file));
        List<FakeHub.Seen> gets = hub.seenGets("/lfs/" + weights.etag());
        assertEquals("bytes=" + k + "-", gets.get(gets.size() - 1).range());
        assertFalse(Files.exists(incomplete));
    }

    @Test
    void stalledTransferTimesOutAndResumes() throws IOException {
        int k = 40_000;
        hub.stallFirstGet("model.safetensors", k);
        // the timeout bounds every request, the HEAD too: 300 ms failed all four HEAD attempts on a loaded 2-core
        // machine, so give the healthy requests room; the stalled GET still times out and resumes
        HubClient client = HubFixtures.client(hub, home).optRequestTimeout(Duration.ofMillis(1500)).build();
        Path file = client.download(REPO, "main", "model.safetensors", DownloadProgress.NONE);
        assertArrayEquals(files.get("model.safetensors").content(), Files.readAllBytes(file));
        List<FakeHub.Seen> gets = hub.seenGets("/lfs/" + files.get("model.safetensors").etag());
        assertEquals(2, gets.size());
        assertEquals("bytes=" + k + "-", gets.get(1).range());
    }

    @Test
    void serverIgnoringRangeRestartsFromZero() throws IOException {
        hub.ignoreRange();
        FakeHub.FakeFile weights = files.get("model.safetensors");
        Files.createDirectories(cache.incompletePath(REPO, RepoType.MODEL, weights.etag()).getParent());
        Files.write(cache.incompletePath(REPO, RepoType.MODEL, weights.etag()), new byte[1000]); // stale prefix

        Path file = HubFixtures.client(hub, home).build().download(REPO, "main", "model.safetensors",
                DownloadProgress.NONE);
        assertArrayEquals(weights.content(), Files.readAllBytes(file));
        assertEquals("bytes=1000-", hub.seenGets("/lfs/" + weights.etag()).get(0).range());
    }

    @Test
    void checksumMismatchIsRefusedAndLeavesNothingBehind() throws IOException {
        FakeHub.FakeFile weights = files.get("model.safetensors");
        byte[] bad = weights.content().clone();
        bad[bad.length / 2] ^= 1;
        hub.corrupt("model.safetensors", bad);
        HubClient client = HubFixtures.client(hub, home).build();

        HubException e = assertThrows(HubException.class,
                () -> client.download(REPO, "main", "model.safetensors", DownloadProgress.NONE));
        assertEquals(HubException.Reason.INTEGRITY, e.reason());
        assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains("model.safetensors"),
                e.getMessage());
        assertTrue(e.getMessage().contains(FakeHub.sha256Hex(bad)), e.getMessage());
        assertFalse(Files.exists(cache.blobPath(REPO, RepoType.MODEL, weights.etag())));
        assertFalse(Files.exists(cache.incompletePath(REPO, RepoType.MODEL, weights.etag())));
        assertFalse(Files.exists(cache.snapshotDir(REPO, RepoType.MODEL, COMMIT).resolve("model.safetensors")));
    }

    @Test
    void privateRepoNeedsTheTokenWhichIsNeverSentToTheCdn() throws IOException {
        HubException e = assertThrows(HubException.class, () -> HubFixtures.client(hub, home).build()
                .download(PRIVATE_REPO, "main", "model.safetensors", DownloadProgress.NONE));
        assertEquals(HubException.Reason.UNAUTHORIZED, e.reason());
        assertTrue(e.getMessage().contains("HF_TOKEN") && e.getMessage().contains(PRIVATE_REPO), e.getMessage());

        Path file = HubFixtures.client(hub, home).optToken(FakeHub.TOKEN).build()
                .download(PRIVATE_REPO, "main", "model.safetensors", DownloadProgress.NONE);
        assertArrayEquals(files.get("model.safetensors").content(), Files.readAllBytes(file));
        String bearer = "Bearer " + FakeHub.TOKEN;
        assertTrue(hub.seen().stream().filter(s -> s.server().equals("hub") && bearer.equals(s.authorization()))
                .anyMatch(s -> s.method().equals("HEAD")));
        assertTrue(hub.seen().stream().filter(s -> s.server().equals("cdn")).allMatch(s -> s.authorization() == null));
    }

    @Test
    void tokenIsReadFromTheEnvironmentMap() throws IOException {
        HubClient client = HubFixtures.client(hub, home)
                .optEnvironment(Map.of("HF_HOME", home.toString(), "HF_TOKEN", FakeHub.TOKEN)).build();
        assertTrue(client.hasToken());
        RepoInfo info = client.listFiles(PRIVATE_REPO, "main");
        assertEquals(COMMIT, info.commit());
        assertEquals(List.copyOf(files.keySet()), info.files());
    }

    @Test
    void missingFileAndRepoAreNamed() {
        HubClient client = HubFixtures.client(hub, home).build();
        HubException file = assertThrows(HubException.class,
                () -> client.download(REPO, "main", "no/such-file.json", DownloadProgress.NONE));
        assertEquals(HubException.Reason.NOT_FOUND, file.reason());
        assertTrue(file.getMessage().contains("no/such-file.json") && file.getMessage().contains(REPO),
                file.getMessage());

        HubException repo = assertThrows(HubException.class, () -> client.listFiles("acme/nothing-here", "main"));
        assertEquals(HubException.Reason.NOT_FOUND, repo.reason());
        assertTrue(repo.getMessage().contains("acme/nothing-here"), repo.getMessage());
    }

    @Test
    void transientServerErrorsAreRetriedThenReported() throws IOException {
        hub.failNext(2);
        HubClient client = HubFixtures.client(hub, home).build();
        Path file = client.download(REPO, "main", "config.json", DownloadProgress.NONE);
        assertArrayEquals(files.get("config.json").content(), Files.readAllBytes(file));

        hub.failNext(100);
        HubException e = assertThrows(HubException.class,
                () -> client.download(REPO, "main", "tokenizer.json", DownloadProgress.NONE));
        assertEquals(HubException.Reason.SERVER, e.reason());
        assertTrue(e.getMessage().contains("503") && e.getMessage().contains("4 attempts"), e.getMessage());
    }

    @Test
    void patternsSkipPickleWeights() throws IOException {
        HubClient client = HubFixtures.client(hub, home).build();
        Path snapshot = client.snapshotDownload(REPO, RepoType.MODEL, "main", FilePatterns.CAUSAL_LM,
                DownloadProgress.NONE);
        assertTrue(Files.exists(snapshot.resolve("model.safetensors")));
        assertTrue(Files.exists(snapshot.resolve("config.json")));
        assertFalse(Files.exists(snapshot.resolve("pytorch_model.bin")));
        assertFalse(Files.exists(snapshot.resolve("README.md")));
        assertTrue(hub.seenGets("/lfs/" + files.get("pytorch_model.bin").etag()).isEmpty());
        assertTrue(hub.seen().stream().noneMatch(s -> s.path().endsWith("pytorch_model.bin")));
    }

    @Test
    void offlineClientNeverTouchesTheNetwork() throws IOException {
        HubClient offline = HubFixtures.client(hub, home).optOffline(true).build();
        HubException e = assertThrows(HubException.class,
                () -> offline.download(REPO, "main", "config.json", DownloadProgress.NONE));
        assertEquals(HubException.Reason.OFFLINE, e.reason());
        assertTrue(e.getMessage().contains("HF_HUB_OFFLINE"), e.getMessage());
        assertThrows(HubException.class, () -> offline.listFiles(REPO, "main"));
        assertTrue(hub.seen().isEmpty());

        Path online = HubFixtures.client(hub, home).build().download(REPO, "main", "config.json", DownloadProgress.NONE);
        assertEquals(online, offline.download(REPO, "main", "config.json", DownloadProgress.NONE));
    }
}
