package org.finetune4j.generate.constraint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SavedDecodingTest {
    @TempDir
    Path tmp;

    static JsonSchemaConstraint payments() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(Path.of("data/task/schema.json").toFile());
        return JsonSchemaConstraint.builder().setSchema(schema).optCopiedFields(Set.of("recipient", "note")).build();
    }

    @Test
    void aSavedConstraintLoadsBackAndIsCopiedAndSavingNoneRemovesIt() throws IOException {
        assertTrue(SavedDecoding.load(tmp).isEmpty(), "nothing saved: free decoding");
        JsonSchemaConstraint c = payments();
        SavedDecoding.save(tmp, c);
        JsonSchemaConstraint back = SavedDecoding.load(tmp).orElseThrow();
        assertEquals(c.schema(), back.schema());
        assertEquals(Set.of("note", "recipient"), back.copiedFields());
        assertEquals(c.grammar().fields().stream().map(JsonField::name).toList(),
                back.grammar().fields().stream().map(JsonField::name).toList());

        Path other = Files.createDirectories(tmp.resolve("merged"));
        SavedDecoding.copy(tmp, other);
        assertEquals(c.copiedFields(), SavedDecoding.load(other).orElseThrow().copiedFields());
        SavedDecoding.save(other, null);
        assertFalse(Files.exists(other.resolve(SavedDecoding.FILE_NAME)));
        SavedDecoding.copy(other, tmp); // nothing to copy: the target keeps its own
        assertTrue(Files.exists(tmp.resolve(SavedDecoding.FILE_NAME)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"type\": \"json_schema\", |not a valid decoding file",
        "[1, 2]|expected a JSON object",
        "{\"type\": \"grammar\", \"schema\": {}}|unknown decoding type \"grammar\"",
        "{\"type\": \"json_schema\"}|missing 'schema'",
        "{\"type\": \"json_schema\", \"copied_fields\": \"to\", \"schema\": {}}|'copied_fields' must be a list",
        "{\"type\": \"json_schema\", \"schema\": {\"type\": \"object\", \"properties\": {\"a\": {\"type\":"
                + " \"array\"}}, \"required\": [\"a\"]}}|property 'a': type 'array'",
    })
    void aMalformedFileIsNamedWithWhatIsWrong(String content, String expected) throws IOException {
        Files.writeString(tmp.resolve(SavedDecoding.FILE_NAME), content);
        IOException e = assertThrows(IOException.class, () -> SavedDecoding.load(tmp));
        assertTrue(e.getMessage().startsWith(tmp.resolve(SavedDecoding.FILE_NAME).toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void theDescriptionNamesTheCopiedFields() throws IOException {
        assertEquals("JSON schema, [note, recipient] copied from the message", SavedDecoding.describe(payments()));
    }
}
