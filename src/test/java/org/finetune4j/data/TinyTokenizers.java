package org.finetune4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.finetune4j.tokenizer.HfTokenizer;

/**
 * The tiny byte-level tokenizer of src/test/resources/tiny-tokenizer (ChatML special tokens, EOS
 * {@code <|im_end|>}, PAD {@code <|endoftext|>}, BOS {@code <s>}) with any chat template: the files are
 * copied to a temporary model directory whose {@code chat_template.jinja} overrides the config's template.
 */
final class TinyTokenizers {
    static final String LLAMA3 = "llama3.2-instruct.jinja";
    static final String QWEN25 = "qwen2.5-instruct.jinja";
    static final String MISTRAL = "mistral-instruct-v1.jinja";
    static final String SMOLLM2 = "smollm2-instruct.jinja";
    static final String GEMMA2 = "gemma2-it.jinja";
    static final String GEMMA3 = "gemma3-it.jinja";

    static final long PAD_ID = 272;
    static final long IM_START_ID = 273;
    static final long IM_END_ID = 274;

    private static final Map<String, HfTokenizer> CACHE = new HashMap<>();

    private TinyTokenizers() {}

    /** The tokenizer with its own ChatML template. */
    static synchronized HfTokenizer chatMl() {
        return CACHE.computeIfAbsent("", k -> load(null));
    }

    /** The tokenizer with the fixture template {@code fileName}. */
    static synchronized HfTokenizer withFixture(String fileName) {
        return CACHE.computeIfAbsent(fileName, k -> load(resource("/chat-templates/" + fileName)));
    }

    /** The tokenizer with an ad-hoc template (not cached). */
    static HfTokenizer withTemplate(String template) {
        return load(template);
    }

    private static HfTokenizer load(String template) {
        try {
            Path source = Path.of(TinyTokenizers.class.getResource("/tiny-tokenizer/tokenizer.json").toURI()).getParent();
            Path dir = Files.createTempDirectory("tiny-tokenizer");
            dir.toFile().deleteOnExit();
            for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
                Files.copy(source.resolve(f), dir.resolve(f));
                dir.resolve(f).toFile().deleteOnExit();
            }
            if (template != null) {
                Files.writeString(dir.resolve("chat_template.jinja"), template, StandardCharsets.UTF_8);
                dir.resolve("chat_template.jinja").toFile().deleteOnExit();
            }
            return HfTokenizer.load(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = TinyTokenizers.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
