package org.finetune4j.io.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny Hugging Face Hub for tests, bound to 127.0.0.1 on ephemeral ports: the hub itself
 * (listing API, HEAD/GET resolve, auth) and a separate "CDN" origin that LFS files redirect to.
 * Etags are computed here independently of the client: sha256 for LFS files, git blob sha1 otherwise.
 */
final class FakeHub implements AutoCloseable {

    static final String TOKEN = "hf_fake_token_123";

    /** One file of a fake repo. */
    record FakeFile(byte[] content, boolean lfs) {
        String etag() {
            return lfs ? sha256Hex(content) : gitBlobSha1(content);
        }
    }

    /** A request the fake servers saw. */
    record Seen(String server, String method, String path, String range, String authorization) {
    }

    private record Repo(String commit, boolean isPrivate, Map<String, FakeFile> files) {
    }

    private static final Pattern API = Pattern.compile("/api/models/([^/]+/[^/]+)/revision/(.+)");
    private static final Pattern RESOLVE = Pattern.compile("/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");
    private static final Pattern LFS = Pattern.compile("/lfs/([0-9a-f]{64})");

    private final HttpServer hub;
    private final HttpServer cdn;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, Integer> interruptAfter = new ConcurrentHashMap<>();
    private final Map<String, Integer> stallAfter = new ConcurrentHashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final Map<String, byte[]> corrupted = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile boolean ignoreRange;

    FakeHub() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        hub = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        cdn = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        hub.createContext("/", ex -> handle("hub", ex));
        cdn.createContext("/", ex -> handle("cdn", ex));
        hub.setExecutor(workers); // concurrent handlers: a stalled transfer must not block the retry
        cdn.setExecutor(workers);
        hub.start();
        cdn.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + hub.getAddress().getPort());
    }

    FakeHub addRepo(String repoId, String commit, boolean isPrivate, Map<String, FakeFile> files) {
        repos.put(repoId, new Repo(commit, isPrivate, new LinkedHashMap<>(files)));
        return this;
    }

    /** The first GET of the bytes of {@code path} sends only {@code k} bytes, then drops the connection. */
    void interruptFirstGet(String path, int k) {
        interruptAfter.put(path, k);
    }

    /** The first GET of the bytes of {@code path} sends {@code k} bytes, then stalls until the hub is closed. */
    void stallFirstGet(String path, int k) {
        stallAfter.put(path, k);
    }

    /** Serves {@code bytes} instead of the real content of {@code path} (etag unchanged). */
    void corrupt(String path, byte[] bytes) {
        corrupted.put(path, bytes);
    }

    /** Answer Range requests with the whole file (HTTP 200), like a server without range support. */
    void ignoreRange() {
        ignoreRange = true;
    }

    /** The next {@code n} requests to the hub fail with HTTP 503. */
    void failNext(int n) {
        failuresLeft.set(n);
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    List<Seen> seenGets(String pathSuffix) {
        return seen.stream().filter(s -> s.method().equals("GET") && s.path().endsWith(pathSuffix)).toList();
    }

    @Override
    public void close() {
        closing.countDown();
        hub.stop(0);
        cdn.stop(0);
        workers.shutdownNow();
    }

    // ---------------------------------------------------------------- handlers

    private void handle(String server, HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        seen.add(new Seen(server, ex.getRequestMethod(), path, ex.getRequestHeaders().getFirst("Range"), auth));
        try (ex) {
            if (server.equals("hub") && failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                send(ex, 503, new byte[0]);
                return;
            }
            Matcher m;
            if (server.equals("cdn") && (m = LFS.matcher(path)).matches()) {
                serveLfs(ex, m.group(1));
            } else if (server.equals("hub") && (m = API.matcher(path)).matches()) {
                serveListing(ex, m.group(1), m.group(2), auth);
            } else if (server.equals("hub") && (m = RESOLVE.matcher(path)).matches()) {
                serveResolve(ex, m.group(1), m.group(2), m.group(3), auth);
            } else {
                send(ex, 404, new byte[0]);
            }
        }
    }

    private void serveListing(HttpExchange ex, String repoId, String revision, String auth) throws IOException {
        Repo repo = accessibleRepo(ex, repoId, revision, auth);
        if (repo == null) {
            return;
        }
        StringBuilder json = new StringBuilder("{\"id\":\"" + repoId + "\",\"sha\":\"" + repo.commit() + "\",\"siblings\":[");
        String sep = "";
        for (String name : repo.files().keySet()) {
            json.append(sep).append("{\"rfilename\":\"").append(name).append("\"}");
            sep = ",";
        }
        json.append("]}");
        ex.getResponseHeaders().set("Content-Type", "application/json");
        send(ex, 200, json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void serveResolve(HttpExchange ex, String repoId, String revision, String path, String auth)
            throws IOException {
        Repo repo = accessibleRepo(ex, repoId, revision, auth);
        if (repo == null) {
            return;
        }
        FakeFile file = repo.files().get(path);
        if (file == null) {
            ex.getResponseHeaders().set("X-Error-Code", "EntryNotFound");
            send(ex, 404, new byte[0]);
            return;
        }
        ex.getResponseHeaders().set("X-Repo-Commit", repo.commit());
        if (file.lfs()) {
            ex.getResponseHeaders().set("ETag", "\"" + file.etag() + "\"");
            ex.getResponseHeaders().set("X-Linked-Etag", "\"" + file.etag() + "\"");
            ex.getResponseHeaders().set("X-Linked-Size", Long.toString(file.content().length));
            ex.getResponseHeaders().set("Location",
                    "http://127.0.0.1:" + cdn.getAddress().getPort() + "/lfs/" + file.etag() + "?sig=abc");
            ex.sendResponseHeaders(302, -1);
            return;
        }
        ex.getResponseHeaders().set("ETag", "W/\"" + file.etag() + "\"");
        serveBytes(ex, path, file.content());
    }

    private void serveLfs(HttpExchange ex, String sha) throws IOException {
        for (Repo repo : repos.values()) {
            for (Map.Entry<String, FakeFile> e : repo.files().entrySet()) {
                if (e.getValue().lfs() && e.getValue().etag().equals(sha)) {
                    serveBytes(ex, e.getKey(), e.getValue().content());
                    return;
                }
            }
        }
        send(ex, 404, new byte[0]);
    }

    /** Serves content with Range support, honouring the corrupt/interrupt knobs for {@code path}. */
    private void serveBytes(HttpExchange ex, String path, byte[] real) throws IOException {
        byte[] content = corrupted.getOrDefault(path, real);
        String range = ex.getRequestHeaders().getFirst("Range");
        int start = 0;
        int status = 200;
        if (range != null && !ignoreRange) {
            Matcher m = Pattern.compile("bytes=(\\d+)-").matcher(range);
            if (!m.matches()) {
                send(ex, 416, new byte[0]);
                return;
            }
            start = Integer.parseInt(m.group(1));
            if (start >= content.length) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + content.length);
                send(ex, 416, new byte[0]);
                return;
            }
            status = 206;
            ex.getResponseHeaders().set("Content-Range",
                    "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
        }
        int length = content.length - start;
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        Integer stall = stallAfter.remove(path);
        if (stall != null) {
            ex.sendResponseHeaders(status, length);
            ex.getResponseBody().write(content, start, stall);
            ex.getResponseBody().flush();
            try {
                closing.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
            return;
        }
        Integer cut = interruptAfter.remove(path);
        ex.sendResponseHeaders(status, length);
        OutputStream out = ex.getResponseBody();
        if (cut != null) {
            out.write(content, start, cut);
            out.flush();
            // closing the exchange with bytes missing makes the JDK server drop the connection
            // (closing the body stream first would keep it open)
            ex.close();
            return;
        }
        out.write(content, start, length);
    }

    /** Null (after answering) when the repo is unknown, private without token, or at an unknown revision. */
    private Repo accessibleRepo(HttpExchange ex, String repoId, String revision, String auth) throws IOException {
        Repo repo = repos.get(repoId);
        if (repo != null && repo.isPrivate() && !("Bearer " + TOKEN).equals(auth)) {
            ex.getResponseHeaders().set("X-Error-Code", "GatedRepo");
            send(ex, 401, new byte[0]);
            return null;
        }
        if (repo == null) {
            ex.getResponseHeaders().set("X-Error-Code", "RepoNotFound");
            send(ex, 404, new byte[0]);
            return null;
        }
        if (!revision.equals("main") && !revision.equals(repo.commit())) {
            ex.getResponseHeaders().set("X-Error-Code", "RevisionNotFound");
            send(ex, 404, new byte[0]);
            return null;
        }
        return repo;
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        if (ex.getRequestMethod().equals("HEAD") || body.length == 0) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    // ---------------------------------------------------------------- independent digests

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(digest("SHA-256", bytes));
    }

    /** Git's blob id: sha1 of "blob <len>\0" followed by the content. */
    static String gitBlobSha1(byte[] bytes) {
        byte[] header = ("blob " + bytes.length + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[header.length + bytes.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(bytes, 0, all, header.length, bytes.length);
        return HexFormat.of().formatHex(digest("SHA-1", all));
    }

    private static byte[] digest(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
