package org.finetune4j.io.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The one entry point that turns what a user typed (a directory or a repo id) into a local model
 * directory containing {@code config.json}:
 *
 * <ol>
 *   <li>an existing directory is used as it is;</li>
 *   <li>a repo id whose snapshot is complete in the HF cache is used without any network access
 *       (so it works with {@code HF_HUB_OFFLINE=1});</li>
 *   <li>otherwise the files a causal LM needs ({@link FilePatterns#CAUSAL_LM}) are downloaded into
 *       the cache and the snapshot directory is returned.</li>
 * </ol>
 */
public final class ModelLocator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = "config.json";
    private static final String INDEX = "model.safetensors.index.json";

    private ModelLocator() {
    }

    /** {@link #resolve(String, String, Options)} at revision {@code main} with default options. */
    public static Path resolve(String pathOrRepoId) throws IOException {
        return resolve(pathOrRepoId, ModelSource.DEFAULT_REVISION, Options.defaults());
    }

    /**
     * @param revision branch, tag or commit (ignored for a local directory); {@code null} = main
     * @return an absolute directory that contains {@code config.json}
     * @throws IllegalArgumentException when the string is neither a directory nor a plausible repo id
     * @throws HubException             when the Hub refuses, lacks the repo/file, or the cache misses offline
     */
    public static Path resolve(String pathOrRepoId, String revision, Options options) throws IOException {
        ModelSource source = ModelSource.parse(pathOrRepoId, revision);
        if (source instanceof ModelSource.LocalDirectory local) {
            return requireConfig(local.dir(), "directory " + local.dir());
        }
        ModelSource.HubRepo repo = (ModelSource.HubRepo) source;
        HubClient client = options.client();
        HfCache cache = client.cache();
        Optional<Path> cached = cache.snapshot(repo.repoId(), RepoType.MODEL, repo.revision())
                .filter(ModelLocator::isCompleteSnapshot);
        if (cached.isPresent() && (client.isOffline() || !options.checkForUpdates()
                || HfCache.isCommitHash(repo.revision()))) {
            return cached.get();
        }
        if (client.isOffline()) {
            throw new HubException(HubException.Reason.OFFLINE, "model '" + repo.repoId() + "' at revision '"
                    + repo.revision() + "' is not complete in the HF cache " + cache.root()
                    + " and HF_HUB_OFFLINE is set; download it once while online or pass a local directory");
        }
        Path snapshot = client.snapshotDownload(repo.repoId(), RepoType.MODEL, repo.revision(), options.patterns(),
                options.progress());
        String what = "model repo '" + repo.repoId() + "' at revision '" + repo.revision() + "'";
        requireConfig(snapshot, what);
        if (!isCompleteSnapshot(snapshot)) {
            throw new HubException(HubException.Reason.NOT_FOUND, what + " has no complete safetensors weights"
                    + " (model.safetensors or the shards of " + INDEX + "); other weight formats are not read");
        }
        return snapshot;
    }

    /**
     * Whether {@code dir} holds a usable causal LM: {@code config.json} plus safetensors weights,
     * all shards named by {@code model.safetensors.index.json} when it is present.
     */
    public static boolean isCompleteSnapshot(Path dir) {
        if (!Files.isRegularFile(dir.resolve(CONFIG))) {
            return false;
        }
        Path index = dir.resolve(INDEX);
        if (Files.isRegularFile(index)) {
            try {
                JsonNode weightMap = JSON.readTree(index.toFile()).path("weight_map");
                if (!weightMap.isObject() || weightMap.isEmpty()) {
                    return false;
                }
                for (Iterator<JsonNode> it = weightMap.elements(); it.hasNext(); ) {
                    if (!Files.isRegularFile(dir.resolve(HfCache.checkRelative(it.next().asText(), "shard name")))) {
                        return false;
                    }
                }
                return true;
            } catch (IOException | IllegalArgumentException e) {
                return false;
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".safetensors") && Files.isRegularFile(f));
        } catch (IOException e) {
            return false;
        }
    }

    private static Path requireConfig(Path dir, String what) throws IOException {
        if (!Files.isRegularFile(dir.resolve(CONFIG))) {
            throw new IOException(what + " has no " + CONFIG + ", so it is not a Hugging Face model directory");
        }
        return dir;
    }

    /** How {@link #resolve(String, String, Options)} reaches the Hub and the cache. */
    public static final class Options {
        private final HubClient client;
        private final FilePatterns patterns;
        private final DownloadProgress progress;
        private final boolean checkForUpdates;

        private Options(Builder b) {
            this.client = b.client != null ? b.client : HubClient.builder().optEnvironment(b.env).build();
            this.patterns = b.patterns;
            this.progress = b.progress;
            this.checkForUpdates = b.checkForUpdates;
        }

        /** Environment-configured client, causal-LM patterns, no progress, cache first. */
        public static Options defaults() {
            return builder().build();
        }

        public static Builder builder() {
            return new Builder();
        }

        public HubClient client() {
            return client;
        }

        public FilePatterns patterns() {
            return patterns;
        }

        public DownloadProgress progress() {
            return progress;
        }

        /** Whether a complete cached snapshot of a branch is re-checked against the Hub. */
        public boolean checkForUpdates() {
            return checkForUpdates;
        }

        /** DJL-style builder. */
        public static final class Builder {
            private Map<String, String> env = System.getenv();
            private HubClient client;
            private FilePatterns patterns = FilePatterns.CAUSAL_LM;
            private DownloadProgress progress = DownloadProgress.NONE;
            private boolean checkForUpdates;

            private Builder() {
            }

            /** Environment for the default client (ignored when {@link #optClient} is set). */
            public Builder optEnvironment(Map<String, String> env) {
                this.env = Map.copyOf(env);
                return this;
            }

            /** Client (and through it, the cache) to use. */
            public Builder optClient(HubClient client) {
                this.client = client;
                return this;
            }

            public Builder optPatterns(FilePatterns patterns) {
                this.patterns = patterns;
                return this;
            }

            public Builder optProgress(DownloadProgress progress) {
                this.progress = progress;
                return this;
            }

            /** Re-list a branch on the Hub even when its cached snapshot is complete (default false). */
            public Builder optCheckForUpdates(boolean checkForUpdates) {
                this.checkForUpdates = checkForUpdates;
                return this;
            }

            public Options build() {
                return new Options(this);
            }
        }
    }
}
