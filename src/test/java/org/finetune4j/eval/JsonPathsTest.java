package org.finetune4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonPathsTest {

    private static JsonNode json(String s) {
        return ((StrictJson.Parsed) StrictJson.parse(s)).value();
    }

    @Test
    void flattensNestedObjectsAndArraysToPaths() {
        Map<String, JsonLeaf> flat = JsonPaths.flatten(json(
                "{\"id\":7,\"payee\":{\"name\":\"A\",\"iban\":null},\"items\":[{\"price\":1.5},{\"price\":2,\"tags\":[]}],"
                        + "\"odd key\":{},\"x.y\":true}"));
        assertEquals(List.of("id", "payee.name", "payee.iban", "items[0].price", "items[1].price", "items[1].tags",
                "[\"odd key\"]", "[\"x.y\"]"), List.copyOf(flat.keySet()));
        assertEquals("items[].price", flat.get("items[1].price").field());
        assertEquals("items[].tags", flat.get("items[1].tags").field());
        assertEquals(true, flat.get("[\"odd key\"]").value().isObject());
        assertEquals(true, flat.get("payee.iban").value().isNull());
    }

    @Test
    void topLevelScalarAndEmptyContainer() {
        assertEquals(List.of(JsonPaths.ROOT), List.copyOf(JsonPaths.flatten(json("40")).keySet()));
        assertEquals(List.of(JsonPaths.ROOT), List.copyOf(JsonPaths.flatten(json("{}")).keySet()));
        assertEquals(List.of("[0]", "[1][0]"), List.copyOf(JsonPaths.flatten(json("[1,[2]]")).keySet()));
    }
}
