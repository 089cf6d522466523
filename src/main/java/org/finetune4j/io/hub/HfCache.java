package org.finetune4j.io.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The Hugging Face hub cache, laid out exactly as {@code huggingface_hub} lays it out, so that
 * models downloaded by Python tools are reused here and vice versa.
 *
 * <pre>
 * &lt;root&gt;/models--{org}--{name}/
 *     blobs/{etag}                  file bytes, named by sha256 (LFS) or git sha1
 *     refs/{revision}               text: the 40-hex commit the revision pointed to
 *     snapshots/{commit}/{path}     relative symlink -&gt; ../../blobs/{etag} (a copy where links fail)
 *     .no_exist/{commit}/{path}     empty marker: the file is known not to exist at that commit
 * &lt;root&gt;/.locks/models--{org}--{name}/{etag}.lock
 * </pre>
 *
 * <p>Blobs are content-addressed, so several snapshots sharing a file share its bytes. Every write
 * goes to a temporary name first and is then renamed atomically, so a crash never leaves a
 * half-written file under a final name.
 */
public final class HfCache {

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern ETAG = Pattern.compile("[A-Za-z0-9._\\-]{1,200}");

    private final Path root;
    private final boolean symlinks;

    /** The cache of this process's environment. */
    public HfCache() {
        this(System.getenv());
    }

    /** The cache that {@code env} designates (see {@link HubEnvironment#cacheDir(Map)}). */
    public HfCache(Map<String, String> env) {
        this(HubEnvironment.cacheDir(env));
    }

    /** A cache rooted at {@code root} (the folder holding the {@code models--*} folders). */
    public HfCache(Path root) {
        this(root, true);
    }

    /** Package-private: {@code symlinks=false} forces the copy fallback (for tests). */
    HfCache(Path root, boolean symlinks) {
        this.root = root.toAbsolutePath().normalize();
        this.symlinks = symlinks;
    }

    public Path root() {
        return root;
    }

    /** Whether {@code revision} is a full commit hash (used as-is, never looked up in refs). */
    public static boolean isCommitHash(String revision) {
        return COMMIT.matcher(revision).matches();
    }

    /** Folder name of a repo in the cache: {@code models--org--name}. */
    public static String repoFolderName(String repoId, RepoType type) {
        RepoIds.requireValid(repoId);
        return type.plural() + "--" + repoId.replace("/", "--");
    }

    public Path repoDir(String repoId, RepoType type) {
        return root.resolve(repoFolderName(repoId, type));
    }

    /**
     * The commit a revision designates: the revision itself when it is a 40-hex hash, else the
     * content of {@code refs/<revision>} if it was recorded.
     */
    public Optional<String> resolveCommit(String repoId, RepoType type, String revision) {
        if (isCommitHash(revision)) {
            return Optional.of(revision);
        }
        Path ref = repoDir(repoId, type).resolve("refs").resolve(checkRelative(revision, "revision"));
        if (!Files.isRegularFile(ref)) {
            return Optional.empty();
        }
        try {
            String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
            if (!isCommitHash(commit)) {
                throw new IllegalStateException("corrupt ref file " + ref + ": expected a 40-hex commit, got '"
                        + commit + "'");
            }
            return Optional.of(commit);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read ref file " + ref, e);
        }
    }

    /** Snapshot folder of a model repo at {@code revision}, if it exists in the cache. */
    public Optional<Path> snapshot(String repoId, String revision) {
        return snapshot(repoId, RepoType.MODEL, revision);
    }

    public Optional<Path> snapshot(String repoId, RepoType type, String revision) {
        return resolveCommit(repoId, type, revision)
                .map(commit -> snapshotDir(repoId, type, commit))
                .filter(Files::isDirectory);
    }

    /** Folder {@code snapshots/<commit>} of a repo (which may not exist). */
    public Path snapshotDir(String repoId, RepoType type, String commit) {
        requireCommit(commit);
        return repoDir(repoId, type).resolve("snapshots").resolve(commit);
    }

    /** A file of a model repo at {@code revision}, if it is cached (the link and its blob both exist). */
    public Optional<Path> cachedFile(String repoId, String revision, String path) {
        return cachedFile(repoId, RepoType.MODEL, revision, path);
    }

    public Optional<Path> cachedFile(String repoId, RepoType type, String revision, String path) {
        String relative = checkRelative(path, "file path");
        return resolveCommit(repoId, type, revision)
                .map(commit -> snapshotDir(repoId, type, commit).resolve(relative))
                .filter(Files::isRegularFile);
    }

    /** Whether a {@code .no_exist} marker records that {@code path} does not exist at {@code commit}. */
    public boolean isKnownMissing(String repoId, RepoType type, String commit, String path) {
        requireCommit(commit);
        return Files.exists(repoDir(repoId, type).resolve(".no_exist").resolve(commit)
                .resolve(checkRelative(path, "file path")));
    }

    /** Where the blob with {@code etag} lives (whether or not it exists yet). */
    public Path blobPath(String repoId, RepoType type, String etag) {
        return repoDir(repoId, type).resolve("blobs").resolve(checkEtag(etag));
    }

    /** Where the partial download of a blob accumulates: {@code blobs/<etag>.incomplete}. */
    public Path incompletePath(String repoId, RepoType type, String etag) {
        return repoDir(repoId, type).resolve("blobs").resolve(checkEtag(etag) + ".incomplete");
    }

    /** Lock file that serialises downloads of one blob across processes. */
    public Path lockPath(String repoId, RepoType type, String etag) {
        return root.resolve(".locks").resolve(repoFolderName(repoId, type)).resolve(checkEtag(etag) + ".lock");
    }

    /** Records that {@code revision} (a branch or tag) currently points to {@code commit}. */
    public void writeRef(String repoId, RepoType type, String revision, String commit) throws IOException {
        requireCommit(commit);
        if (isCommitHash(revision)) {
            return; // commits need no ref
        }
        Path ref = repoDir(repoId, type).resolve("refs").resolve(checkRelative(revision, "revision"));
        Files.createDirectories(ref.getParent());
        Path tmp = ref.resolveSibling(ref.getFileName() + "." + UUID.randomUUID() + ".tmp");
        Files.writeString(tmp, commit, StandardCharsets.UTF_8);
        Files.move(tmp, ref, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Makes {@code snapshots/<commit>/<path>} point to the existing blob {@code etag}: a relative
     * symlink (so the cache can be moved), or a copy where the file system refuses links.
     *
     * @return the snapshot file
     */
    public Path linkSnapshot(String repoId, RepoType type, String commit, String path, String etag)
            throws IOException {
        Path blob = blobPath(repoId, type, etag);
        if (!Files.isRegularFile(blob)) {
            throw new IOException("cannot link " + path + ": blob " + blob + " does not exist");
        }
        Path link = snapshotDir(repoId, type, commit).resolve(checkRelative(path, "file path"));
        Files.createDirectories(link.getParent());
        Path tmp = link.resolveSibling(link.getFileName() + "." + UUID.randomUUID() + ".tmp");
        boolean linked = false;
        if (symlinks) {
            try {
                Files.createSymbolicLink(tmp, link.getParent().relativize(blob));
                linked = true;
            } catch (UnsupportedOperationException | IOException | SecurityException e) {
                linked = false; // e.g. Windows without the symlink privilege: fall back to a copy
            }
        }
        if (!linked) {
            Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE);
        return link;
    }

    /** Writes the empty {@code .no_exist/<commit>/<path>} marker. */
    public void markMissing(String repoId, RepoType type, String commit, String path) throws IOException {
        requireCommit(commit);
        Path marker = repoDir(repoId, type).resolve(".no_exist").resolve(commit)
                .resolve(checkRelative(path, "file path"));
        Files.createDirectories(marker.getParent());
        if (!Files.exists(marker)) {
            Files.createFile(marker);
        }
    }

    /**
     * Checks that a repo-relative path (file path or revision name) cannot escape its folder:
     * forward slashes only, no empty, {@code .} or {@code ..} segments, not absolute.
     */
    static String checkRelative(String path, String what) {
        if (path == null || path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\0")) {
            throw new IllegalArgumentException("invalid " + what + " '" + path + "'");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("invalid " + what + " '" + path + "': empty, '.' or '..' segment");
            }
        }
        return path;
    }

    private static String checkEtag(String etag) {
        if (etag == null || !ETAG.matcher(etag).matches()) {
            throw new IllegalArgumentException("invalid etag '" + etag + "' (expected a hex digest)");
        }
        return etag;
    }

    private static void requireCommit(String commit) {
        if (commit == null || !isCommitHash(commit)) {
            throw new IllegalArgumentException("invalid commit '" + commit + "' (expected 40 lowercase hex digits)");
        }
    }
}
