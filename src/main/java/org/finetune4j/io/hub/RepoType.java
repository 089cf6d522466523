package org.finetune4j.io.hub;

/**
 * The three kinds of Hub repositories. They differ only in URL prefixes and in the folder name
 * the cache uses, so that a model and a dataset with the same id never collide.
 */
public enum RepoType {
    MODEL("models", ""),
    DATASET("datasets", "datasets/"),
    SPACE("spaces", "spaces/");

    private final String plural;
    private final String urlPrefix;

    RepoType(String plural, String urlPrefix) {
        this.plural = plural;
        this.urlPrefix = urlPrefix;
    }

    /** Plural used in cache folder names ({@code models--org--name}) and API paths ({@code /api/models/...}). */
    public String plural() {
        return plural;
    }

    /** Prefix of the repo in file URLs: empty for models, {@code datasets/} or {@code spaces/} otherwise. */
    public String urlPrefix() {
        return urlPrefix;
    }
}
