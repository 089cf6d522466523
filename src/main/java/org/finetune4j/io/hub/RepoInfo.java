package org.finetune4j.io.hub;

import java.util.List;

/**
 * A repo at one revision, as listed by {@code GET /api/models/{repo}/revision/{rev}}.
 *
 * @param repoId repo id
 * @param type   repo type
 * @param commit the 40-hex commit the revision resolved to (the {@code sha} field)
 * @param files  repo-relative paths of all files ({@code siblings[].rfilename})
 */
public record RepoInfo(String repoId, RepoType type, String commit, List<String> files) {

    public RepoInfo {
        files = List.copyOf(files);
    }
}
