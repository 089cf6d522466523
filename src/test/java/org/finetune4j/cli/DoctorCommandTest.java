package org.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.finetune4j.runtime.DeviceCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorCommandTest {
    @TempDir
    Path tmp;

    @Test
    void printsAPassingTableAndWritesJson() throws IOException {
        Path json = tmp.resolve("out/doctor.json");
        CliFixtures.Run run = CliFixtures.run("doctor", "--json", json.toString());
        assertEquals(0, run.exitCode(), run.toString());
        String out = run.out();
        assertTrue(out.contains("| check | result | figure | detail |"), out);
        for (String name : List.of(DeviceCheck.ENVIRONMENT, DeviceCheck.FORWARD, DeviceCheck.KV_CACHE,
                DeviceCheck.TRAIN + "LoRA r=8", DeviceCheck.TRAIN + "QLoRA r=8", DeviceCheck.TRAIN + "BitFit",
                DeviceCheck.MERGED + "DoRA", DeviceCheck.NF4, DeviceCheck.GENERATE)) {
            assertTrue(out.contains("| " + name + " | PASS |"), name + " missing or failing:\n" + out);
        }
        assertTrue(out.contains("17 of 17 checks passed"), out);

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertTrue(root.get("passed").asBoolean(), root.toString());
        assertEquals(17, root.get("checks").size());
        assertEquals(DeviceCheck.ENVIRONMENT, root.get("checks").get(0).get("name").asText());
    }
}
