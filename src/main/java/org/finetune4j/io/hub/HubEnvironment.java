package org.finetune4j.io.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Hub settings read from the same environment variables as {@code huggingface_hub}, so that a
 * cache and a login shared with Python tools just work.
 *
 * <p>Every method takes the environment as a map so tests can inject one instead of mutating the
 * process environment.
 *
 * @param cacheDir root of the hub cache ({@code models--org--name} folders live directly under it)
 * @param endpoint base URL of the Hub, without a trailing slash
 * @param token    access token, if one is configured
 * @param offline  whether {@code HF_HUB_OFFLINE} forbids any network access
 */
public record HubEnvironment(Path cacheDir, URI endpoint, Optional<String> token, boolean offline) {

    /** The public Hub. */
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    private static final Set<String> TRUE_VALUES = Set.of("1", "on", "yes", "true");

    /** Settings of this process ({@link System#getenv()}). */
    public static HubEnvironment fromSystem() {
        return fromMap(System.getenv());
    }

    /** Settings described by {@code env}. */
    public static HubEnvironment fromMap(Map<String, String> env) {
        return new HubEnvironment(cacheDir(env), endpoint(env), token(env), offline(env));
    }

    /** {@code HF_HUB_CACHE}, else {@code $HF_HOME/hub}. */
    public static Path cacheDir(Map<String, String> env) {
        Optional<String> explicit = value(env, "HF_HUB_CACHE");
        return explicit.map(HubEnvironment::expandHome).orElseGet(() -> hfHome(env).resolve("hub"));
    }

    /**
     * {@code HF_HOME}, else {@code $XDG_CACHE_HOME/huggingface}, else {@code ~/.cache/huggingface}.
     */
    public static Path hfHome(Map<String, String> env) {
        Optional<String> home = value(env, "HF_HOME");
        if (home.isPresent()) {
            return expandHome(home.get());
        }
        Path xdgCache = value(env, "XDG_CACHE_HOME").map(HubEnvironment::expandHome)
                .orElseGet(() -> userHome().resolve(".cache"));
        return xdgCache.resolve("huggingface");
    }

    /** {@code HF_ENDPOINT} without trailing slashes, else {@value #DEFAULT_ENDPOINT}. */
    public static URI endpoint(Map<String, String> env) {
        String raw = value(env, "HF_ENDPOINT").orElse(DEFAULT_ENDPOINT);
        while (raw.endsWith("/")) {
            raw = raw.substring(0, raw.length() - 1);
        }
        URI uri = URI.create(raw);
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("HF_ENDPOINT must be an absolute http(s) URL, got '" + raw + "'");
        }
        return uri;
    }

    /**
     * {@code HF_TOKEN}, else the legacy {@code HUGGING_FACE_HUB_TOKEN}, else the first line of the
     * token file ({@code HF_TOKEN_PATH}, default {@code $HF_HOME/token}) written by
     * {@code huggingface-cli login}.
     */
    public static Optional<String> token(Map<String, String> env) {
        Optional<String> fromEnv = value(env, "HF_TOKEN").or(() -> value(env, "HUGGING_FACE_HUB_TOKEN"));
        if (fromEnv.isPresent()) {
            return fromEnv;
        }
        Path file = value(env, "HF_TOKEN_PATH").map(HubEnvironment::expandHome)
                .orElseGet(() -> hfHome(env).resolve("token"));
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(text.lines().findFirst().orElse("").strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Hugging Face token file " + file, e);
        }
    }

    /** Whether {@code HF_HUB_OFFLINE} is set to 1/on/yes/true. */
    public static boolean offline(Map<String, String> env) {
        return value(env, "HF_HUB_OFFLINE").map(v -> TRUE_VALUES.contains(v.toLowerCase(Locale.ROOT)))
                .orElse(false);
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    private static Path expandHome(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return userHome().resolve(path.substring(path.equals("~") ? 1 : 2));
        }
        return Path.of(path);
    }

    private static Path userHome() {
        return Path.of(System.getProperty("user.home"));
    }
}
