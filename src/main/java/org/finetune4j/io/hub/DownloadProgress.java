package org.finetune4j.io.hub;

/**
 * Receives download progress, for a CLI progress bar or a notebook. Called from the downloading
 * thread, after each chunk, so implementations should be cheap.
 */
@FunctionalInterface
public interface DownloadProgress {

    /** Ignores all progress. */
    DownloadProgress NONE = (path, done, total) -> { };

    /**
     * @param path      repo-relative path of the file being downloaded
     * @param bytesDone bytes of that file present so far (including a resumed prefix)
     * @param total     size of the file in bytes
     */
    void onProgress(String path, long bytesDone, long total);
}
