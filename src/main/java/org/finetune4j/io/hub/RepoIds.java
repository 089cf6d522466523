package org.finetune4j.io.hub;

import java.util.regex.Pattern;

/**
 * Validation of Hub repo ids ({@code name} or {@code org/name}).
 *
 * <p>The Hub allows letters, digits, {@code - _ .} in each part (at most 96 characters), no
 * {@code --} or {@code ..} and no leading or trailing {@code -} / {@code .}. Checking this before
 * any I/O turns typos such as a mistyped local path into a clear message instead of a 404, and
 * keeps ids from escaping the cache folder.
 */
public final class RepoIds {

    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_.\\-]{1,96}");

    private RepoIds() {
    }

    /** Whether {@code id} is a syntactically valid repo id. */
    public static boolean isValid(String id) {
        if (id == null || id.isEmpty()) {
            return false;
        }
        String[] parts = id.split("/", -1);
        if (parts.length > 2) {
            return false;
        }
        for (String part : parts) {
            if (!PART.matcher(part).matches() || part.contains("--") || part.contains("..")
                    || part.startsWith("-") || part.startsWith(".") || part.endsWith("-") || part.endsWith(".")) {
                return false;
            }
        }
        return true;
    }

    /** Returns {@code id} or throws if it is not a valid repo id. */
    public static String requireValid(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException("'" + id + "' is not a valid Hugging Face repo id"
                    + " (expected 'name' or 'org/name' of letters, digits, '-', '_', '.')");
        }
        return id;
    }
}
