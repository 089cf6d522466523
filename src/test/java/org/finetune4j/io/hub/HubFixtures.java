package org.finetune4j.io.hub;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** A small fake model repo and a client pointed at a {@link FakeHub}. */
final class HubFixtures {

    static final String REPO = "acme/tiny-llama";
    static final String PRIVATE_REPO = "acme/secret-llama";
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    private HubFixtures() {
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static Map<String, FakeHub.FakeFile> tinyModelFiles() {
        Map<String, FakeHub.FakeFile> files = new LinkedHashMap<>();
        files.put(".gitattributes", text("*.safetensors filter=lfs diff=lfs merge=lfs -text\n"));
        files.put("README.md", text("# tiny llama\n"));
        files.put("config.json", text("{\"model_type\":\"llama\",\"hidden_size\":8}"));
        files.put("generation_config.json", text("{\"eos_token_id\":2}"));
        files.put("tokenizer.json", text("{\"model\":{\"type\":\"BPE\"}}"));
        files.put("tokenizer_config.json", text("{\"add_bos_token\":true}"));
        files.put("model.safetensors", new FakeHub.FakeFile(randomBytes(300_000, 1), true));
        files.put("pytorch_model.bin", new FakeHub.FakeFile(randomBytes(50_000, 2), true));
        files.put("original/params.json", text("{\"dim\":8}"));
        return files;
    }

    static FakeHub.FakeFile text(String s) {
        return new FakeHub.FakeFile(s.getBytes(StandardCharsets.UTF_8), false);
    }

    /**
     * A client for {@code hub} with {@code HF_HOME=home} (so no real token file is read), the cache
     * in {@code home/hub}, fast retries and no token.
     */
    static HubClient.Builder client(FakeHub hub, Path home) {
        return HubClient.builder()
                .optEnvironment(Map.of("HF_HOME", home.toString()))
                .optEndpoint(hub.endpoint())
                .optOffline(false)
                .optMaxRetries(3)
                .optRetryBackoff(Duration.ofMillis(1))
                .optRequestTimeout(Duration.ofSeconds(5));
    }
}
