package org.finetune4j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Flattens JSON values to {@code path → leaf} maps for field-level scoring.
 *
 * <p>Path syntax: object members are joined with {@code .} ({@code payee.iban}), array elements use
 * {@code [i]} ({@code items[0].price}); a key that is not a plain identifier is written {@code ["my key"]} so
 * two different documents never flatten to the same path. Empty objects and arrays are kept as leaves, so
 * equal flattenings mean equal documents.
 */
public final class JsonPaths {

    /** Path of a top-level scalar. */
    public static final String ROOT = "$";

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_\\-]*");

    private JsonPaths() {}

    /** All leaves of {@code value} in document order, keyed by path. */
    public static Map<String, JsonLeaf> flatten(JsonNode value) {
        Map<String, JsonLeaf> out = new LinkedHashMap<>();
        walk(value, "", "", out);
        return out;
    }

    private static void walk(JsonNode node, String path, String field, Map<String, JsonLeaf> out) {
        if (node.isObject() && !node.isEmpty()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = member(e.getKey(), path.isEmpty());
                walk(e.getValue(), path + key, field + key, out);
            }
        } else if (node.isArray() && !node.isEmpty()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", field + "[]", out);
            }
        } else {
            String p = path.isEmpty() ? ROOT : path;
            out.put(p, new JsonLeaf(p, field.isEmpty() ? ROOT : field, node));
        }
    }

    private static String member(String key, boolean first) {
        if (IDENTIFIER.matcher(key).matches()) {
            return first ? key : "." + key;
        }
        return "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
    }
}
