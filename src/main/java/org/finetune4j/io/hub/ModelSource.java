package org.finetune4j.io.hub;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Where a model comes from: a local directory or a Hub repo. {@link #parse} decides which a user's
 * string means, so that the CLI and notebooks take one argument for both.
 */
public sealed interface ModelSource permits ModelSource.LocalDirectory, ModelSource.HubRepo {

    /** Revision used when none is given. */
    String DEFAULT_REVISION = "main";

    /** An existing directory on disk. */
    record LocalDirectory(Path dir) implements ModelSource {
    }

    /** A Hub model repo at a branch, tag or commit. */
    record HubRepo(String repoId, String revision) implements ModelSource {
        public HubRepo {
            RepoIds.requireValid(repoId);
            HfCache.checkRelative(revision, "revision");
        }
    }

    /**
     * An existing directory wins; else a string shaped like a repo id ({@code org/name}) names a Hub
     * repo; anything else (a path that does not exist, an invalid id) is refused with a message
     * saying which it looked like.
     *
     * @param revision branch, tag or commit for a Hub repo; {@code null} means {@value #DEFAULT_REVISION}
     */
    static ModelSource parse(String pathOrRepoId, String revision) {
        if (pathOrRepoId == null || pathOrRepoId.isBlank()) {
            throw new IllegalArgumentException("no model given: expected a local directory or a Hugging Face repo id");
        }
        String s = pathOrRepoId.strip();
        Path path = null;
        try {
            path = Path.of(s);
        } catch (InvalidPathException e) {
            // cannot be a local path; maybe a repo id
        }
        if (path != null && Files.isDirectory(path)) {
            return new LocalDirectory(path.toAbsolutePath().normalize());
        }
        if (path != null && Files.exists(path)) {
            throw new IllegalArgumentException("'" + s + "' is a file, but a model directory (with config.json)"
                    + " or a Hugging Face repo id was expected");
        }
        if (looksLikePath(s)) {
            throw new IllegalArgumentException("model directory '" + s + "' does not exist");
        }
        if (!RepoIds.isValid(s)) {
            throw new IllegalArgumentException("'" + s + "' is neither an existing directory nor a valid Hugging Face"
                    + " repo id (expected 'org/name' of letters, digits, '-', '_', '.')");
        }
        return new HubRepo(s, revision == null ? DEFAULT_REVISION : revision);
    }

    private static boolean looksLikePath(String s) {
        return s.startsWith("/") || s.startsWith("./") || s.startsWith("../") || s.startsWith("~")
                || s.contains("\\") || s.matches("^[A-Za-z]:.*") || s.chars().filter(c -> c == '/').count() > 1;
    }
}
