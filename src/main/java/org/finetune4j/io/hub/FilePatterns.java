package org.finetune4j.io.hub;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which repo files to download, with the semantics of {@code huggingface_hub}'s
 * {@code allow_patterns} / {@code ignore_patterns}: shell-style globs matched against the whole
 * repo-relative path (fnmatch: {@code *} also crosses {@code /}; {@code ?} one character;
 * {@code [abc]} a class; a pattern ending in {@code /} means everything under that folder).
 * A file is kept when it matches an allow pattern (or the allow list is empty) and no ignore pattern.
 *
 * @param allow  globs of files to keep; empty keeps all
 * @param ignore globs of files to drop, applied after {@code allow}
 */
public record FilePatterns(List<String> allow, List<String> ignore) {

    /** Keeps every file. */
    public static final FilePatterns ALL = new FilePatterns(List.of(), List.of());

    /**
     * What a causal LM needs: config, generation config, tokenizer files, chat template and
     * safetensors weights (sharded or not); never the pickle/TF/Flax/ONNX/GGUF duplicates.
     */
    public static final FilePatterns CAUSAL_LM = new FilePatterns(
            List.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
                    "special_tokens_map.json", "chat_template.jinja", "*.safetensors",
                    "model.safetensors.index.json"),
            List.of("*.bin", "*.pt", "*.pth", "*.gguf", "*.onnx", "*.msgpack", "*.h5"));

    public FilePatterns {
        allow = List.copyOf(allow);
        ignore = List.copyOf(ignore);
    }

    /** Whether {@code path} is selected. */
    public boolean matches(String path) {
        boolean allowed = allow.isEmpty() || allow.stream().anyMatch(p -> globMatches(p, path));
        return allowed && ignore.stream().noneMatch(p -> globMatches(p, path));
    }

    /** fnmatch-style match of a whole path against one glob. */
    static boolean globMatches(String glob, String path) {
        return toRegex(glob.endsWith("/") ? glob + "*" : glob).matcher(path).matches();
    }

    private static Pattern toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> {
                    int close = glob.indexOf(']', i + 2 <= glob.length() ? i + 2 : i + 1);
                    if (close < 0) {
                        re.append("\\[");
                    } else {
                        String body = glob.substring(i + 1, close);
                        boolean negate = body.startsWith("!");
                        if (negate) {
                            body = body.substring(1);
                        }
                        re.append('[').append(negate ? "^" : "").append(body.replace("\\", "\\\\").replace("[", "\\["))
                                .append(']');
                        i = close;
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
