package org.finetune4j.config;

/** How rotary-embedding frequencies are scaled ({@code rope_scaling.rope_type}). */
public enum RopeType {
    /** Plain {@code 1 / theta^(2i/d)}. */
    DEFAULT,
    /** Frequencies divided by {@code factor}. */
    LINEAR,
    /** Llama 3.1/3.2 piecewise scaling of low frequencies. */
    LLAMA3;

    public static RopeType parse(String s) {
        return switch (s) {
            case "default" -> DEFAULT;
            case "linear" -> LINEAR;
            case "llama3" -> LLAMA3;
            default -> throw new ConfigException("unsupported rope_scaling type '" + s
                    + "'; supported: default, linear, llama3");
        };
    }

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
