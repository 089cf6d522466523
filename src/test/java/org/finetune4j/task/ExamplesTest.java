package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The 100 hand-written examples: canonical, schema-valid, and consistent with the task's own readers. */
class ExamplesTest {

    private static final Path FILE = Path.of("data/task/examples.jsonl");

    @Test
    void examplesAreCanonicalAndValid() throws IOException {
        List<String> lines = Files.readAllLines(FILE, StandardCharsets.UTF_8);
        List<PaymentSample> samples = PaymentJsonl.read(FILE);
        assertEquals(100, samples.size());
        PaymentSchema schema = PaymentSchema.fromClasspath();
        Set<Intent> intents = EnumSet.noneOf(Intent.class);
        Set<Language> languages = EnumSet.noneOf(Language.class);
        for (int i = 0; i < samples.size(); i++) {
            PaymentSample s = samples.get(i);
            String where = FILE + ":" + (i + 1);
            assertEquals(Split.EXAMPLES, s.split(), where);
            assertEquals(List.of(), schema.validate(s.gold().toJson()), where);
            // re-serialising gives the same bytes: canonical gold, exact system prompt, meta layout
            assertEquals(lines.get(i), s.jsonLine(), where);
            if (s.gold().money() != null) {
                assertTrue(AmountNormalizer.findAll(s.userMessage()).contains(s.gold().money()), where);
            }
            intents.add(s.gold().intent());
            languages.add(s.language());
        }
        assertEquals(EnumSet.allOf(Intent.class), intents);
        assertEquals(EnumSet.allOf(Language.class), languages);
    }
}
