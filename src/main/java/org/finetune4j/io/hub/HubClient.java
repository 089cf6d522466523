package org.finetune4j.io.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads files from the Hugging Face Hub (or a mirror at {@code HF_ENDPOINT}) into the
 * {@link HfCache}, speaking the same protocol as {@code huggingface_hub}:
 *
 * <ol>
 *   <li>{@code HEAD {endpoint}/{repo}/resolve/{rev}/{path}} without following redirects gives the
 *       commit, the etag (sha256 for LFS files), the size and, for LFS files, the CDN location;</li>
 *   <li>the bytes are streamed to {@code blobs/<etag>.incomplete}, resuming with {@code Range} after
 *       an interruption, checked against the size and sha256, and renamed to {@code blobs/<etag>};</li>
 *   <li>{@code snapshots/<commit>/<path>} is linked to the blob and {@code refs/<rev>} records the commit.</li>
 * </ol>
 *
 * <p>The token is only ever sent to the endpoint's origin, never to a CDN a redirect points to.
 * Transient failures (5xx, 429, broken connections, timeouts) are retried a bounded number of times
 * with exponential backoff; a download resumes where the previous attempt stopped.
 */
public final class HubClient {

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final int MAX_REDIRECTS = 5;
    private static final int BUFFER_SIZE = 1 << 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI endpoint;
    private final Optional<String> token;
    private final boolean offline;
    private final HfCache cache;
    private final Duration requestTimeout;
    private final int maxRetries;
    private final Duration retryBackoff;

    private HubClient(Builder b) {
        HubEnvironment env = HubEnvironment.fromMap(b.env);
        this.endpoint = b.endpoint != null ? b.endpoint : env.endpoint();
        this.token = b.token != null ? Optional.of(b.token) : env.token();
        this.offline = b.offline != null ? b.offline : env.offline();
        this.cache = b.cache != null ? b.cache : new HfCache(env.cacheDir());
        this.requestTimeout = b.requestTimeout;
        this.maxRetries = b.maxRetries;
        this.retryBackoff = b.retryBackoff;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER) // redirects are followed by hand, see class doc
                .connectTimeout(b.connectTimeout)
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A client configured entirely from the process environment. */
    public static HubClient fromEnvironment() {
        return builder().build();
    }

    public HfCache cache() {
        return cache;
    }

    public URI endpoint() {
        return endpoint;
    }

    public boolean isOffline() {
        return offline;
    }

    /** Whether a token will be sent to the endpoint. */
    public boolean hasToken() {
        return token.isPresent();
    }

    // ---------------------------------------------------------------- listing and metadata

    /** Lists the files of a model repo at {@code revision}. */
    public RepoInfo listFiles(String repoId, String revision) throws IOException {
        return listFiles(repoId, RepoType.MODEL, revision);
    }

    /** Lists the files of a repo at {@code revision} ({@code GET /api/{type}s/{repo}/revision/{rev}}). */
    public RepoInfo listFiles(String repoId, RepoType type, String revision) throws IOException {
        RepoIds.requireValid(repoId);
        Target what = new Target(repoId, type, revision, null);
        requireOnline("list the files of " + what);
        URI url = URI.create(endpoint + "/api/" + type.plural() + "/" + repoId + "/revision/" + encode(revision));
        return withRetries("listing the files of " + what, () -> {
            HttpResponse<byte[]> response = send(request(url, 0).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            checkStatus(response.statusCode(), response.headers(), what);
            if (response.statusCode() != 200) {
                throw new HubException(HubException.Reason.PROTOCOL, "unexpected HTTP " + response.statusCode()
                        + " when listing the files of " + what + " at " + url);
            }
            return parseRepoInfo(response.body(), what, url);
        });
    }

    /** Metadata of one file, from a {@code HEAD} of its resolve URL. */
    public FileMetadata fileMetadata(String repoId, RepoType type, String revision, String path) throws IOException {
        RepoIds.requireValid(repoId);
        HfCache.checkRelative(path, "file path");
        Target what = new Target(repoId, type, revision, path);
        requireOnline("get the metadata of " + what);
        URI resolveUrl = resolveUrl(repoId, type, revision, path);
        return withRetries("HEAD of " + what, () -> head(resolveUrl, what));
    }

    private FileMetadata head(URI resolveUrl, Target what) throws IOException {
        URI current = resolveUrl;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest req = request(current, 0).method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
            HttpResponse<Void> response = send(req, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            HttpHeaders headers = response.headers();
            checkStatus(status, headers, what);
            Optional<String> commit = headers.firstValue("X-Repo-Commit");
            Optional<String> etag = headers.firstValue("X-Linked-Etag").or(() -> headers.firstValue("ETag"))
                    .map(HubClient::normalizeEtag);
            boolean redirect = status >= 300 && status < 400;
            URI location = redirect ? current.resolve(headers.firstValue("Location").orElseThrow(
                    () -> new HubException(HubException.Reason.PROTOCOL, "HTTP " + status
                            + " without Location for " + what))) : current;
            if (redirect && commit.isEmpty() && sameOrigin(location, current)) {
                current = location; // e.g. a renamed repo: the answer is at the new name
                continue;
            }
            Optional<Long> size = headers.firstValue("X-Linked-Size").or(() -> headers.firstValue("Content-Length"))
                    .map(HubClient::parseSize);
            if (commit.isEmpty() || etag.isEmpty() || size.isEmpty()) {
                throw new HubException(HubException.Reason.PROTOCOL, "the server at " + current
                        + " did not send X-Repo-Commit, ETag and size for " + what
                        + " (is HF_ENDPOINT a Hugging Face Hub?)");
            }
            if (!HfCache.isCommitHash(commit.get())) {
                throw new HubException(HubException.Reason.PROTOCOL, "X-Repo-Commit '" + commit.get() + "' for "
                        + what + " is not a 40-hex commit");
            }
            return new FileMetadata(commit.get(), etag.get(), size.get(), location);
        }
        throw new HubException(HubException.Reason.PROTOCOL, "too many redirects for " + what);
    }

    // ---------------------------------------------------------------- downloads

    /** Downloads one file of a model repo; see {@link #download(String, RepoType, String, String, DownloadProgress)}. */
    public Path download(String repoId, String revision, String path, DownloadProgress progress) throws IOException {
        return download(repoId, RepoType.MODEL, revision, path, progress);
    }

    /**
     * Makes one file available in the cache and returns its snapshot path.
     *
     * <p>A file at a commit hash that is already cached costs no request. Offline, the cached file
     * is returned or a {@link HubException.Reason#OFFLINE} error is thrown.
     */
    public Path download(String repoId, RepoType type, String revision, String path, DownloadProgress progress)
            throws IOException {
        RepoIds.requireValid(repoId);
        HfCache.checkRelative(path, "file path");
        Objects.requireNonNull(progress, "progress (use DownloadProgress.NONE)");
        Target what = new Target(repoId, type, revision, path);
        Optional<Path> cached = cache.cachedFile(repoId, type, revision, path);
        if (offline || (cached.isPresent() && HfCache.isCommitHash(revision))) {
            return cached.orElseThrow(() -> offlineError(what));
        }
        FileMetadata meta = fileMetadata(repoId, type, revision, path);
        Path blob = cache.blobPath(repoId, type, meta.etag());
        if (!Files.isRegularFile(blob)) {
            fetchBlob(repoId, type, meta, what, progress);
        }
        Path file = cache.linkSnapshot(repoId, type, meta.commit(), path, meta.etag());
        cache.writeRef(repoId, type, revision, meta.commit());
        return file;
    }

    /**
     * Downloads the files of a repo selected by {@code patterns} at one commit and returns the
     * snapshot folder. Weights ({@code *.safetensors}) are fetched last, after their index, so a
     * snapshot with its weights present is complete. Offline, the cached snapshot is returned.
     */
    public Path snapshotDownload(String repoId, RepoType type, String revision, FilePatterns patterns,
            DownloadProgress progress) throws IOException {
        RepoIds.requireValid(repoId);
        Target what = new Target(repoId, type, revision, null);
        if (offline) {
            return cache.snapshot(repoId, type, revision).orElseThrow(() -> offlineError(what));
        }
        RepoInfo info = listFiles(repoId, type, revision);
        List<String> selected = new ArrayList<>(info.files().stream().filter(patterns::matches).toList());
        selected.sort(Comparator.comparingInt((String f) -> f.endsWith(".safetensors") ? 1 : 0)
                .thenComparing(Comparator.naturalOrder()));
        for (String file : selected) {
            download(repoId, type, info.commit(), file, progress);
        }
        Path snapshot = cache.snapshotDir(repoId, type, info.commit());
        Files.createDirectories(snapshot);
        cache.writeRef(repoId, type, revision, info.commit());
        return snapshot;
    }

    private void fetchBlob(String repoId, RepoType type, FileMetadata meta, Target what, DownloadProgress progress)
            throws IOException {
        Path blob = cache.blobPath(repoId, type, meta.etag());
        Path incomplete = cache.incompletePath(repoId, type, meta.etag());
        Files.createDirectories(blob.getParent());
        try (BlobLock lock = BlobLock.acquire(cache.lockPath(repoId, type, meta.etag()))) {
            if (Files.isRegularFile(blob)) {
                return; // another thread or process finished it while we waited
            }
            withRetries("download of " + what, () -> {
                transfer(meta, incomplete, what, progress);
                return null;
            });
            verify(meta, incomplete, what);
            Files.move(incomplete, blob, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** One attempt: appends the missing bytes to {@code incomplete} (from 0 if the server ignores Range). */
    private void transfer(FileMetadata meta, Path incomplete, Target what, DownloadProgress progress)
            throws IOException {
        long have = Files.exists(incomplete) ? Files.size(incomplete) : 0;
        if (have > meta.size()) {
            Files.delete(incomplete); // longer than the file can be: not ours to resume
            have = 0;
        }
        if (have == meta.size() && Files.exists(incomplete)) {
            return; // all bytes already there; verification decides
        }
        URI current = meta.location();
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest req = request(current, have).GET().build();
            HttpResponse<InputStream> response = send(req, TimedBodyStream.handler(requestTimeout));
            try (InputStream body = response.body()) {
                int status = response.statusCode();
                if (status >= 300 && status < 400) {
                    String location = response.headers().firstValue("Location").orElseThrow(() -> new HubException(
                            HubException.Reason.PROTOCOL, "HTTP " + status + " without Location for " + what));
                    current = current.resolve(location);
                    continue;
                }
                if (status == 416) {
                    Files.deleteIfExists(incomplete); // the server disagrees about our partial file: start over
                    throw new HubException(HubException.Reason.SERVER, "HTTP 416 resuming " + what
                            + " at byte " + have + "; restarting from the beginning");
                }
                checkStatus(status, response.headers(), what);
                boolean append;
                if (status == 206) {
                    long start = contentRangeStart(response.headers(), what);
                    if (start != have) {
                        Files.deleteIfExists(incomplete);
                        throw new HubException(HubException.Reason.SERVER, "server resumed " + what + " at byte "
                                + start + " instead of " + have + "; restarting from the beginning");
                    }
                    append = have > 0;
                } else if (status == 200) {
                    append = false; // server ignored Range: restart from byte 0
                    have = 0;
                } else {
                    throw new HubException(HubException.Reason.PROTOCOL, "unexpected HTTP " + status
                            + " downloading " + what + " from " + current);
                }
                copy(body, incomplete, append, have, meta.size(), what.path(), progress);
                return;
            }
        }
        throw new HubException(HubException.Reason.PROTOCOL, "too many redirects downloading " + what);
    }

    private static void copy(InputStream body, Path incomplete, boolean append, long have, long total, String path,
            DownloadProgress progress) throws IOException {
        StandardOpenOption mode = append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
        try (OutputStream out = Files.newOutputStream(incomplete, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, mode)) {
            byte[] buffer = new byte[BUFFER_SIZE];
            long done = have;
            progress.onProgress(path, done, total);
            int n;
            while ((n = body.read(buffer)) >= 0) {
                out.write(buffer, 0, n); // unbuffered: what was received survives an interruption
                done += n;
                progress.onProgress(path, done, total);
            }
        }
    }

    /** Checks size and (for LFS files) sha256; a bad file is deleted so the next attempt starts clean. */
    private static void verify(FileMetadata meta, Path incomplete, Target what) throws IOException {
        long size = Files.size(incomplete);
        if (size != meta.size()) {
            Files.deleteIfExists(incomplete);
            throw new HubException(HubException.Reason.INTEGRITY, "downloaded " + size + " bytes for " + what
                    + " but the Hub announced " + meta.size() + "; the partial file was deleted");
        }
        Optional<String> expected = meta.sha256();
        if (expected.isPresent()) {
            String actual = sha256(incomplete);
            if (!actual.equals(expected.get())) {
                Files.deleteIfExists(incomplete);
                throw new HubException(HubException.Reason.INTEGRITY, "checksum mismatch for " + what
                        + ": sha256 is " + actual + " but the Hub announced " + expected.get()
                        + "; the corrupt download was deleted");
            }
        }
    }

    /** The SHA-256 of a file's bytes as lower-case hex: what the Hub announces as an LFS file's etag. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[BUFFER_SIZE];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    // ---------------------------------------------------------------- HTTP plumbing

    /** A request with identity encoding, the range from {@code offset} and the token for the endpoint's origin. */
    private HttpRequest.Builder request(URI url, long offset) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url)
                .timeout(requestTimeout)
                .header("Accept-Encoding", "identity")
                .header("User-Agent", "finetune4j-hub");
        if (offset > 0) {
            b.header("Range", "bytes=" + offset + "-");
        }
        if (token.isPresent() && sameOrigin(url, endpoint)) {
            b.header("Authorization", "Bearer " + token.get());
        }
        return b;
    }

    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return http.send(req, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during " + req.method() + " " + req.uri());
        }
    }

    /** Maps error statuses to {@link HubException}s whose message says what to do. */
    private void checkStatus(int status, HttpHeaders headers, Target what) throws HubException {
        if (status < 400) {
            return;
        }
        String code = headers.firstValue("X-Error-Code").orElse("");
        String serverMessage = headers.firstValue("X-Error-Message").map(m -> " (server: " + m + ")").orElse("");
        if (status == 401 || status == 403) {
            String hint = token.isPresent()
                    ? "the token in use (HF_TOKEN) has no access to it: accept the repo's conditions on the Hub"
                            + " or use a token with read access"
                    : "no token was sent: set HF_TOKEN (or log in with `huggingface-cli login`)";
            throw new HubException(HubException.Reason.UNAUTHORIZED, "HTTP " + status + ": access to " + what
                    + " was refused; the repo is gated, private or does not exist, and " + hint + serverMessage);
        }
        if (status == 404) {
            String message = switch (code) {
                case "RepoNotFound" -> "repository '" + what.repoId() + "' not found";
                case "RevisionNotFound" -> "revision '" + what.revision() + "' not found in '" + what.repoId() + "'";
                case "EntryNotFound" -> "file '" + what.path() + "' not found in '" + what.repoId() + "' at revision '"
                        + what.revision() + "'";
                default -> what.path() != null
                        ? "file '" + what.path() + "' not found in '" + what.repoId() + "' at revision '"
                                + what.revision() + "' (or the repo/revision does not exist)"
                        : "repository '" + what.repoId() + "' or its revision '" + what.revision() + "' not found";
            };
            throw new HubException(HubException.Reason.NOT_FOUND, "HTTP 404: " + message + serverMessage);
        }
        if (status == 429 || status >= 500) {
            throw new HubException(HubException.Reason.SERVER, "HTTP " + status + " from the Hub for " + what
                    + serverMessage);
        }
        throw new HubException(HubException.Reason.PROTOCOL, "HTTP " + status + " for " + what + serverMessage);
    }

    @FunctionalInterface
    private interface IoCall<T> {
        T run() throws IOException;
    }

    /** Runs {@code call}, retrying 5xx/429, timeouts and I/O errors with exponential backoff. */
    private <T> T withRetries(String description, IoCall<T> call) throws IOException {
        for (int attempt = 0; ; attempt++) {
            IOException failure;
            try {
                return call.run();
            } catch (HubException e) {
                boolean transientFailure = e.reason() == HubException.Reason.SERVER
                        || e.reason() == HubException.Reason.TIMEOUT;
                if (!transientFailure) {
                    throw e;
                }
                failure = e;
            } catch (InterruptedIOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                failure = e;
            } catch (IOException e) {
                failure = e;
            }
            if (attempt >= maxRetries) {
                int attempts = attempt + 1;
                if (failure instanceof HubException hub) {
                    throw new HubException(hub.reason(), hub.getMessage() + " (gave up after " + attempts
                            + " attempts)", hub);
                }
                boolean timeout = failure instanceof HttpTimeoutException
                        || failure instanceof java.net.SocketTimeoutException;
                throw new HubException(timeout ? HubException.Reason.TIMEOUT : HubException.Reason.SERVER,
                        description + (timeout ? " timed out (timeout " + requestTimeout.toSeconds() + " s)"
                                : " failed: " + failure) + " after " + attempts + " attempts", failure);
            }
            sleep(backoff(attempt));
        }
    }

    private Duration backoff(int attempt) {
        long millis = retryBackoff.toMillis() << Math.min(attempt, 5);
        return Duration.ofMillis(Math.min(millis, 30_000));
    }

    private static void sleep(Duration d) throws InterruptedIOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
    }

    private void requireOnline(String action) throws HubException {
        if (offline) {
            throw new HubException(HubException.Reason.OFFLINE, "cannot " + action
                    + ": HF_HUB_OFFLINE is set, so no network access is allowed");
        }
    }

    private HubException offlineError(Target what) {
        return new HubException(HubException.Reason.OFFLINE, what + " is not in the cache " + cache.root()
                + " and HF_HUB_OFFLINE is set, so it cannot be downloaded");
    }

    private RepoInfo parseRepoInfo(byte[] body, Target what, URI url) throws HubException {
        try {
            JsonNode root = JSON.readTree(body);
            String sha = root.path("sha").asText("");
            if (!HfCache.isCommitHash(sha)) {
                throw new HubException(HubException.Reason.PROTOCOL, "listing of " + what + " at " + url
                        + " has no 40-hex 'sha' field");
            }
            List<String> files = new ArrayList<>();
            for (JsonNode sibling : root.path("siblings")) {
                String name = sibling.path("rfilename").asText("");
                if (!name.isEmpty()) {
                    files.add(HfCache.checkRelative(name, "file name in listing of " + what));
                }
            }
            return new RepoInfo(what.repoId(), what.type(), sha, files);
        } catch (IOException e) {
            throw new HubException(HubException.Reason.PROTOCOL, "listing of " + what + " at " + url
                    + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private URI resolveUrl(String repoId, RepoType type, String revision, String path) {
        StringBuilder encodedPath = new StringBuilder();
        for (String segment : path.split("/")) {
            encodedPath.append(encodedPath.length() == 0 ? "" : "/").append(encode(segment));
        }
        return URI.create(endpoint + "/" + type.urlPrefix() + repoId + "/resolve/" + encode(revision) + "/"
                + encodedPath);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String normalizeEtag(String raw) {
        String etag = raw.strip();
        if (etag.startsWith("W/")) {
            etag = etag.substring(2);
        }
        return etag.replace("\"", "");
    }

    private static long parseSize(String raw) {
        try {
            return Long.parseLong(raw.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long contentRangeStart(HttpHeaders headers, Target what) throws HubException {
        String range = headers.firstValue("Content-Range").orElseThrow(() -> new HubException(
                HubException.Reason.PROTOCOL, "HTTP 206 without Content-Range for " + what));
        Matcher m = CONTENT_RANGE.matcher(range.strip());
        if (!m.matches()) {
            throw new HubException(HubException.Reason.PROTOCOL, "unparseable Content-Range '" + range + "' for " + what);
        }
        return Long.parseLong(m.group(1));
    }

    /** Same scheme, host and port: where it is safe to send the token. */
    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) {
            return u.getPort();
        }
        return u.getScheme().toLowerCase(Locale.ROOT).equals("https") ? 443 : 80;
    }

    /** What an operation is about, for messages. */
    private record Target(String repoId, RepoType type, String revision, String path) {
        @Override
        public String toString() {
            String repo = (type == RepoType.MODEL ? "model" : type.name().toLowerCase(Locale.ROOT)) + " repo '"
                    + repoId + "'";
            return path == null ? repo + " at revision '" + revision + "'"
                    : "'" + path + "' of " + repo + " at revision '" + revision + "'";
        }
    }

    /** DJL-style builder; every setting defaults to the environment ({@link HubEnvironment}). */
    public static final class Builder {
        private Map<String, String> env = System.getenv();
        private URI endpoint;
        private String token;
        private Boolean offline;
        private HfCache cache;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int maxRetries = 5;
        private Duration retryBackoff = Duration.ofSeconds(1);

        private Builder() {
        }

        /** Environment the unset settings are read from (default {@link System#getenv()}). */
        public Builder optEnvironment(Map<String, String> env) {
            this.env = Map.copyOf(env);
            return this;
        }

        public Builder optEndpoint(URI endpoint) {
            this.endpoint = HubEnvironment.endpoint(Map.of("HF_ENDPOINT", endpoint.toString()));
            return this;
        }

        public Builder optToken(String token) {
            this.token = token;
            return this;
        }

        public Builder optOffline(boolean offline) {
            this.offline = offline;
            return this;
        }

        public Builder optCache(HfCache cache) {
            this.cache = cache;
            return this;
        }

        public Builder optConnectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * Time allowed until the response headers arrive, and between two chunks of a body
         * (default 30 s); a stalled transfer then fails, is retried and resumes.
         */
        public Builder optRequestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** Retries after the first attempt for transient failures (default 5). */
        public Builder optMaxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /** First backoff delay, doubled on each retry up to 30 s (default 1 s). */
        public Builder optRetryBackoff(Duration backoff) {
            this.retryBackoff = backoff;
            return this;
        }

        public HubClient build() {
            return new HubClient(this);
        }
    }
}
