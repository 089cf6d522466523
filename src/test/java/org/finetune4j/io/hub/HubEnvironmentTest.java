package org.finetune4j.io.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubEnvironmentTest {

    @TempDir
    Path home;

    @Test
    void tokenPrecedenceIsEnvThenLegacyEnvThenFile() throws IOException {
        Files.writeString(home.resolve("token"), "hf_from_file\n");
        String h = home.toString();
        assertEquals(Optional.of("hf_new"), HubEnvironment.token(Map.of("HF_HOME", h, "HF_TOKEN", "hf_new",
                "HUGGING_FACE_HUB_TOKEN", "hf_old")));
        assertEquals(Optional.of("hf_old"), HubEnvironment.token(Map.of("HF_HOME", h, "HUGGING_FACE_HUB_TOKEN", "hf_old")));
        assertEquals(Optional.of("hf_from_file"), HubEnvironment.token(Map.of("HF_HOME", h, "HF_TOKEN", " ")));
        assertEquals(Optional.empty(), HubEnvironment.token(Map.of("HF_HOME", home.resolve("nowhere").toString())));
    }

    @Test
    void offlineAcceptsTheUsualTrueValues() {
        for (String v : new String[] {"1", "ON", "yes", "True"}) {
            assertTrue(HubEnvironment.offline(Map.of("HF_HUB_OFFLINE", v)), v);
        }
        for (String v : new String[] {"0", "false", "", "no"}) {
            assertFalse(HubEnvironment.offline(Map.of("HF_HUB_OFFLINE", v)), v);
        }
        assertFalse(HubEnvironment.offline(Map.of()));
    }

    @Test
    void endpointDefaultsAndLosesTrailingSlashes() {
        assertEquals(URI.create("https://huggingface.co"), HubEnvironment.endpoint(Map.of()));
        assertEquals(URI.create("http://mirror.local:8080/hf"),
                HubEnvironment.endpoint(Map.of("HF_ENDPOINT", "http://mirror.local:8080/hf//")));
        assertThrows(IllegalArgumentException.class, () -> HubEnvironment.endpoint(Map.of("HF_ENDPOINT", "mirror")));
    }
}
