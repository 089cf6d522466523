package org.finetune4j.recipe;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.finetune4j.peft.TechniqueType;

/**
 * Reads a {@link Recipe} from a {@code .yaml}/{@code .yml} or {@code .json} file: the file is parsed into a tree,
 * the {@link RecipeOverrides} are applied to it, and the tree is mapped onto the recipe records with unknown keys
 * failing. Every error is one {@link RecipeException} naming the file and the key path
 * ({@code recipes/lora.yaml: unknown key 'trainer.lr' …}), and, for syntax errors, the line.
 *
 * <p>The technique and trainer sections are also turned into the library's configs once while loading, so a value
 * those refuse (a rank of 0, a negative learning rate) is reported here, before any model is loaded.
 */
public final class RecipeLoader {
    private static final ObjectMapper JSON = configure(JsonMapper.builder()).build();
    private static final YAMLMapper YAML = configure(YAMLMapper.builder())
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build();

    private RecipeLoader() {}

    private static <M extends ObjectMapper, B extends com.fasterxml.jackson.databind.cfg.MapperBuilder<M, B>> B
            configure(B b) {
        return b.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /** {@link #load(Path, RecipeOverrides)} without overrides. */
    public static Recipe load(Path file) {
        return load(file, RecipeOverrides.none());
    }

    /**
     * Reads {@code file}, applies {@code overrides} and maps the result.
     *
     * @throws RecipeException for a missing or malformed file, an unknown key, a missing required value or a value
     *                         of the wrong type
     */
    public static Recipe load(Path file, RecipeOverrides overrides) {
        return fromTree(resolvedTree(file, overrides), file.toString(), overrides);
    }

    /** The file's tree with the overrides applied: what {@link #load} maps, and what a dry run shows. */
    public static ObjectNode resolvedTree(Path file, RecipeOverrides overrides) {
        ObjectNode tree = readTree(file);
        overrides.applyTo(tree, file.toString());
        return tree;
    }

    /** Parses a recipe file into a tree (YAML or JSON by its extension). */
    public static ObjectNode readTree(Path file) {
        ObjectMapper mapper = mapperFor(file);
        JsonNode root;
        try {
            root = mapper.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new RecipeException(file + ": recipe file not found", e);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new RecipeException(file + ": malformed " + (mapper == YAML ? "YAML" : "JSON")
                    + (at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr() + ", column "
                            + at.getColumnNr()) + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the recipe: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new RecipeException(file + ": a recipe must be a mapping of sections (model, data, technique,"
                    + " trainer, output, eval)");
        }
        return (ObjectNode) root;
    }

    /**
     * Maps a recipe tree.
     *
     * @param source    the file it came from, named in errors
     * @param overrides the overrides applied to it, named in errors about their keys
     */
    public static Recipe fromTree(ObjectNode tree, String source, RecipeOverrides overrides) {
        Recipe recipe;
        try {
            recipe = JSON.treeToValue(tree, Recipe.class);
        } catch (JsonProcessingException e) {
            throw describe(e, source, overrides);
        } catch (IllegalArgumentException e) {
            throw new RecipeException(source + ": " + e.getMessage(), e);
        }
        if (recipe == null) {
            throw new RecipeException(source + ": the recipe is empty");
        }
        try {
            recipe.validate();
        } catch (IllegalArgumentException e) {
            throw new RecipeException(source + ": " + e.getMessage(), e);
        }
        try {
            recipe.technique().toConfig();
        } catch (IllegalArgumentException e) {
            throw new RecipeException(source + ": technique: " + e.getMessage(), e);
        }
        if (recipe.output().merged() && !Adapters.isMergeable(recipe.technique().type())) {
            throw new RecipeException(source + ": output.save_merged: " + recipe.technique().type()
                    + " cannot be merged into a plain checkpoint (its extra tensors change the forward pass);"
                    + " set save_merged: false");
        }
        try {
            recipe.trainer().toTrainerConfig(recipe.technique(), null);
        } catch (IllegalArgumentException e) {
            throw new RecipeException(source + ": trainer: " + e.getMessage(), e);
        }
        return recipe;
    }

    /** The recipe tree as YAML text (for printing a resolved recipe). */
    public static String toYaml(JsonNode tree) {
        try {
            return YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the recipe as YAML", e);
        }
    }

    private static ObjectMapper mapperFor(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return YAML;
        }
        if (name.endsWith(".json")) {
            return JSON;
        }
        throw new RecipeException(file + ": a recipe file ends in .yaml, .yml or .json");
    }

    private static RecipeException describe(JsonProcessingException e, String source, RecipeOverrides overrides) {
        List<JsonMappingException.Reference> refs = e instanceof JsonMappingException m ? m.getPath() : List.of();
        if (e instanceof UnrecognizedPropertyException u) {
            String section = path(refs.subList(0, Math.max(0, refs.size() - 1)));
            String key = (section.isEmpty() ? "" : section + ".") + u.getPropertyName();
            String from = overrides.forPath(key).map(o -> " (from the override '" + o.text() + "')").orElse("");
            return new RecipeException(source + ": unknown key '" + key + "'" + from + "; "
                    + (section.isEmpty() ? "the sections are " : "the keys of " + section + " are ")
                    + known(u.getKnownPropertyIds()), e);
        }
        String where = path(refs);
        String prefix = source + ": " + (where.isEmpty() ? "" : where + ": ");
        if (e instanceof InvalidTypeIdException t) {
            List<String> names = new ArrayList<>();
            for (TechniqueType type : TechniqueType.values()) {
                names.add(type.name().toLowerCase(Locale.ROOT));
            }
            return new RecipeException(prefix + (t.getTypeId() == null ? "missing required value 'type'"
                    : "unknown type '" + t.getTypeId() + "'") + "; one of " + String.join(", ", names), e);
        }
        if (e instanceof ValueInstantiationException v && v.getCause() != null) {
            return new RecipeException(prefix + v.getCause().getMessage(), e);
        }
        return new RecipeException(prefix + e.getOriginalMessage(), e);
    }

    /** {@code trainer.learning_rate}, {@code technique.target_modules[1]}. */
    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String known(Collection<Object> ids) {
        TreeSet<String> names = new TreeSet<>();
        ids.forEach(id -> names.add(String.valueOf(id)));
        return String.join(", ", names);
    }
}
