package org.finetune4j.io.hub;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a {@code HEAD} of a file's resolve URL tells about it.
 *
 * @param commit   the 40-hex commit the requested revision resolved to ({@code X-Repo-Commit})
 * @param etag     content id: sha256 for LFS files ({@code X-Linked-Etag}), git sha1 otherwise
 * @param size     size in bytes ({@code X-Linked-Size}, else {@code Content-Length})
 * @param location where to GET the bytes: the redirect target (CDN) for LFS files, else the resolve URL
 */
public record FileMetadata(String commit, String etag, long size, URI location) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** Whether the etag is a sha256 digest of the content, which a download can then verify. */
    public boolean isSha256() {
        return SHA256.matcher(etag).matches();
    }

    /** The etag as an expected sha256, if it is one. */
    public Optional<String> sha256() {
        return isSha256() ? Optional.of(etag) : Optional.empty();
    }
}
