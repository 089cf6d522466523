package org.finetune4j.recipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Command-line changes to a recipe, {@code key.path=value} each (torchtune style), applied to the parsed tree
 * before it is mapped, so an override is checked exactly like the same key written in the file.
 *
 * <p>A value is read as a YAML scalar or flow collection: {@code 8} is a number, {@code true} a boolean,
 * {@code [q_proj,v_proj]} a list, {@code null} (or nothing after {@code =}) resets the key to its default, and
 * anything else is a string. Missing sections on the path are created; a path through a value that is not a
 * section is an error, and so (when the recipe is mapped) is a key the recipe does not have.
 */
public final class RecipeOverrides {
    private static final YAMLMapper YAML = new YAMLMapper();

    /** One {@code key.path=value}. */
    public record Override(List<String> path, JsonNode value, String text) {
        public Override {
            path = List.copyOf(path);
        }

        /** {@code trainer.learning_rate}. */
        public String dottedPath() {
            return String.join(".", path);
        }
    }

    private final List<Override> overrides;

    private RecipeOverrides(List<Override> overrides) {
        this.overrides = List.copyOf(overrides);
    }

    public static RecipeOverrides none() {
        return new RecipeOverrides(List.of());
    }

    /**
     * Parses {@code key.path=value} arguments.
     *
     * @throws RecipeException for an argument without {@code =}, an empty key segment, or an unreadable value
     */
    public static RecipeOverrides parse(List<String> args) {
        List<Override> out = new ArrayList<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new RecipeException("override '" + arg + "' must look like key.path=value, e.g."
                        + " trainer.learning_rate=1e-3");
            }
            String key = arg.substring(0, eq).trim();
            List<String> path = Arrays.asList(key.split("\\.", -1));
            if (path.stream().anyMatch(String::isBlank)) {
                throw new RecipeException("override '" + arg + "': empty key in path '" + key + "'");
            }
            out.add(new Override(path, parseValue(arg, arg.substring(eq + 1)), arg));
        }
        return new RecipeOverrides(out);
    }

    private static JsonNode parseValue(String arg, String text) {
        if (text.isBlank()) {
            return NullNode.getInstance();
        }
        try {
            JsonNode v = YAML.readTree(text);
            return v == null || v.isMissingNode() ? NullNode.getInstance() : v;
        } catch (JsonProcessingException e) {
            throw new RecipeException("override '" + arg + "': cannot read the value: " + e.getOriginalMessage(), e);
        }
    }

    public List<Override> overrides() {
        return overrides;
    }

    /** The override that set {@code dottedPath}, if one did. */
    public Optional<Override> forPath(String dottedPath) {
        for (int i = overrides.size() - 1; i >= 0; i--) {
            if (overrides.get(i).dottedPath().equals(dottedPath)) {
                return Optional.of(overrides.get(i));
            }
        }
        return Optional.empty();
    }

    /**
     * Sets every override in {@code root}, in order (a later one wins).
     *
     * @param source the recipe file, for error messages
     * @throws RecipeException when a path goes through a key whose value is not a section
     */
    public void applyTo(ObjectNode root, String source) {
        for (Override o : overrides) {
            ObjectNode node = root;
            List<String> path = o.path();
            for (int i = 0; i < path.size() - 1; i++) {
                String key = path.get(i);
                JsonNode child = node.get(key);
                if (child == null || child.isNull()) {
                    node = node.putObject(key);
                } else if (child.isObject()) {
                    node = (ObjectNode) child;
                } else {
                    throw new RecipeException(source + ": override '" + o.text() + "': '"
                            + String.join(".", path.subList(0, i + 1)) + "' is a value (" + child
                            + "), not a section with keys");
                }
            }
            node.set(path.get(path.size() - 1), o.value());
        }
    }
}
