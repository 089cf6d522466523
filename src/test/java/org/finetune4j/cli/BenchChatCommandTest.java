package org.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code bench chat} on the fixture model: both decodings answer every prompt and are timed. */
class BenchChatCommandTest {
    @Test
    void benchChatTimesFreeAndConstrainedAnswersOfASavedModel() throws IOException {
        CliFixtures.Run run = CliFixtures.run("bench", "chat", "--model",
                CliFixtures.modelDir().toString(), "--data",
                CliFixtures.root().resolve("test.jsonl").toString(), "--schema",
                CliFixtures.root().resolve("schema.json").toString(), "--copied-fields", "to", "--limit", "3",
                "--batch", "2", "--max-new-tokens", "48");
        assertEquals(0, run.exitCode(), run.toString());
        for (String decoding : List.of("free", "JSON schema, [to] copied")) {
            Matcher row = Pattern.compile("\\| " + Pattern.quote(decoding)
                    + " \\| [0-9.]+ \\| [0-9.]+ \\| ([0-9]+) \\| [0-9.]+ \\| ([0-9.—]+) \\|").matcher(run.out());
            assertTrue(row.find(), decoding + " row in\n" + run.out());
            assertTrue(Integer.parseInt(row.group(1)) >= 3, "new tokens of three answers: " + row.group(1));
        }
        assertTrue(run.out().contains("constrained / free time: "), run.out());
    }
}
