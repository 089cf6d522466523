package org.finetune4j.kernel;

import java.util.Locale;
import java.util.Optional;

/**
 * The output types our renderers produce. The kernel passes a requested MIME type as a long name
 * ({@code image/png}), a short name ({@code png}) or {@code null} (nothing asked for: render every default type).
 */
public enum Mime {
    TEXT("text/plain", "text"),
    HTML("text/html", "html"),
    PNG("image/png", "png"),
    SVG("image/svg+xml", "svg");

    private final String longName;
    private final String shortName;

    Mime(String longName, String shortName) {
        this.longName = longName;
        this.shortName = shortName;
    }

    /** The name Jupyter expects as a key of a display's {@code data}. */
    public String longName() {
        return longName;
    }

    /** The type named by {@code requested} (long, short or enum name, any case); empty for null or unknown. */
    public static Optional<Mime> parse(String requested) {
        if (requested == null) {
            return Optional.empty();
        }
        String key = requested.trim().toLowerCase(Locale.ROOT);
        for (Mime m : values()) {
            if (m.longName.equals(key) || m.shortName.equals(key) || m.name().toLowerCase(Locale.ROOT).equals(key)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
