package org.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Offline only (no network in tests): the cache layout is written by hand as huggingface_hub lays it out. */
class DownloadCommandTest {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path tmp;

    CliFixtures.Run download(Map<String, String> env, String... args) {
        DownloadCommand command = new DownloadCommand();
        command.environment = env;
        return CliFixtures.run(Main.configure(new CommandLine(command)), args);
    }

    @Test
    void offlineItPrintsTheCachedSnapshotOfTheRevision() throws IOException {
        Path repo = tmp.resolve("hf/hub/models--acme--tiny-llama");
        Path snapshot = repo.resolve("snapshots").resolve(COMMIT);
        Files.createDirectories(snapshot);
        Files.writeString(snapshot.resolve("config.json"), "{}");
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), COMMIT);
        Map<String, String> env = Map.of("HF_HOME", tmp.resolve("hf").toString(), "HF_HUB_OFFLINE", "1");

        CliFixtures.Run run = download(env, "acme/tiny-llama");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(snapshot + System.lineSeparator(), run.out());

        run = download(env, "acme/tiny-llama", "--revision", "v2");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("download: ") && run.err().contains("acme/tiny-llama"), run.err());
    }

    @Test
    void aMalformedRepoIdIsAUsageError() {
        CliFixtures.Run run = download(Map.of("HF_HUB_OFFLINE", "1"), "not a repo id");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("not a repo id"), run.err());
    }
}
