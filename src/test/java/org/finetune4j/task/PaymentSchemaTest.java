package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PaymentSchemaTest {

    private static final PaymentSchema SCHEMA = PaymentSchema.fromClasspath();
    private static final String VALID = "{\"intent\":\"transfer\",\"amount\":250000,\"currency\":\"IDR\","
            + "\"recipient\":\"Budi\",\"provider\":null,\"date\":\"2024-12-03\",\"note\":\"makan siang\"}";

    @Test
    void acceptsWellFormedAnswers() {
        assertEquals(java.util.List.of(), SCHEMA.validate(VALID));
        assertTrue(SCHEMA.isValid(PaymentRequest.unknown().toJson()));
        assertTrue(SCHEMA.isValid(VALID.replace("250000", "12.5").replace("IDR", "USD")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"intent\":\"transfer\",\"amount\":250000,\"currency\":\"IDR\",\"recipient\":\"Budi\",\"provider\":null,\"date\":null}",
        "{\"intent\":\"transfer\",\"amount\":250000,\"currency\":\"IDR\",\"recipient\":\"Budi\",\"provider\":null,\"date\":null,\"note\":null,\"fee\":0}",
        "{\"intent\":\"send\",\"amount\":250000,\"currency\":\"IDR\",\"recipient\":\"Budi\",\"provider\":null,\"date\":null,\"note\":null}",
        "{\"intent\":\"transfer\",\"amount\":\"250000\",\"currency\":\"IDR\",\"recipient\":\"Budi\",\"provider\":null,\"date\":null,\"note\":null}",
        "{\"intent\":\"transfer\",\"amount\":0,\"currency\":\"IDR\",\"recipient\":\"Budi\",\"provider\":null,\"date\":null,\"note\":null}",
        "{\"intent\":\"transfer\",\"amount\":5,\"currency\":\"idr\",\"recipient\":\"Budi\",\"provider\":null,\"date\":null,\"note\":null}",
        "{\"intent\":\"transfer\",\"amount\":5,\"currency\":\"IDR\",\"recipient\":\"Budi\",\"provider\":null,\"date\":\"3 Dec\",\"note\":null}",
        "{\"intent\":\"transfer\",\"amount\":5,\"currency\":null,\"recipient\":\"Budi\",\"provider\":null,\"date\":null,\"note\":null}",
        "{\"intent\":\"transfer\",\"amount\":null,\"currency\":\"IDR\",\"recipient\":\"Budi\",\"provider\":null,\"date\":null,\"note\":null}",
        "{\"intent\":\"unknown\",\"amount\":null,\"currency\":null,\"recipient\":\"Budi\",\"provider\":null,\"date\":null,\"note\":null}",
        "{\"intent\":\"transfer\",\"amount\":5,\"currency\":\"IDR\",\"recipient\":\"\",\"provider\":null,\"date\":null,\"note\":null}",
        "[]", "not json", "{\"intent\":\"unknown\"} trailing"})
    void rejectsAnswersThatBreakTheSchema(String answer) {
        assertFalse(SCHEMA.validate(answer).isEmpty(), answer);
    }

    @Test
    void dataDirCopyIsTheBundledSchema() {
        PaymentSchema onDisk = PaymentSchema.fromDataDir(Path.of("data/task"));
        assertEquals(SCHEMA.text().strip(), onDisk.text().strip());
        assertTrue(onDisk.isValid(VALID));
    }

    @Test
    void missingFileErrorNamesThePath(@TempDir Path dir) {
        Path missing = dir.resolve("schema.json");
        TaskDataException e = assertThrows(TaskDataException.class, () -> PaymentSchema.fromDataDir(dir));
        assertTrue(e.getMessage().contains(missing.toAbsolutePath().toString()), e.getMessage());
    }

    @Test
    void malformedFileErrorNamesThePath(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("schema.json");
        Files.writeString(bad, "{\"type\": \"object\", ");
        TaskDataException e = assertThrows(TaskDataException.class, () -> PaymentSchema.load(bad));
        assertTrue(e.getMessage().contains(bad.toAbsolutePath().toString()), e.getMessage());
        Files.writeString(bad, "[1, 2]");
        e = assertThrows(TaskDataException.class, () -> PaymentSchema.load(bad));
        assertTrue(e.getMessage().contains(bad.toAbsolutePath().toString()), e.getMessage());
    }
}
