package org.finetune4j.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.finetune4j.io.AtomicFiles;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.NDArrays;
import org.finetune4j.io.TensorDType;
import org.finetune4j.io.safetensors.SafetensorsFile;
import org.finetune4j.io.safetensors.SafetensorsWriter;

/**
 * The two files of a saved adapter, as PEFT lays them out: {@code adapter_config.json} and
 * {@code adapter_model.safetensors}. Shared by the savers and loaders of every technique, so they all
 * write atomically, read with the same checks and name the file in every error.
 */
public final class AdapterDirectory {
    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    /** The key prefix PEFT puts before module names in {@code adapter_model.safetensors}. */
    public static final String PEFT_PREFIX = "base_model.model.";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AdapterDirectory() {}

    /** A fresh JSON object to fill with config keys. */
    public static ObjectNode newConfig() {
        return JSON.createObjectNode();
    }

    /**
     * Writes the tensors (as float32, {@code {"format":"pt"}} metadata) and then the config, each
     * atomically, creating {@code dir} if needed. The config goes last, so a directory with a config
     * always has the tensors that belong to it.
     */
    public static void write(Path dir, ObjectNode config, Map<String, NDArray> tensors) throws IOException {
        Files.createDirectories(dir);
        Map<String, HostTensor> host = new LinkedHashMap<>();
        tensors.forEach((name, a) -> host.put(name, NDArrays.fromNDArray(a, TensorDType.F32)));
        SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), host, null);
        try {
            AtomicFiles.writeString(dir.resolve(CONFIG_FILE), JSON.writeValueAsString(config) + "\n");
        } catch (JsonProcessingException e) {
            throw new IOException("cannot serialise " + CONFIG_FILE + ": " + e.getMessage(), e);
        }
    }

    /** The config object of {@code dir}; a missing or malformed file is an error naming it. */
    public static JsonNode readConfig(Path dir) throws IOException {
        Path file = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " does not exist: not an adapter directory");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": expected a JSON object");
        }
        return root;
    }

    /** Checks {@code peft_type}, the key every PEFT config carries. */
    public static void requirePeftType(JsonNode config, String expected, Path dir) throws IOException {
        String actual = config.path("peft_type").asText(null);
        if (!expected.equals(actual)) {
            throw new IOException(dir.resolve(CONFIG_FILE) + ": peft_type is " + actual + ", expected " + expected);
        }
    }

    /** A required integer key. */
    public static int requireInt(JsonNode config, String key, Path dir) throws IOException {
        JsonNode v = config.get(key);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IOException(dir.resolve(CONFIG_FILE) + ": '" + key + "' must be an integer, got " + v);
        }
        return v.intValue();
    }

    /** An optional integer key that, when present and not null, must equal {@code expected}. */
    public static void checkInt(JsonNode config, String key, int expected, Path dir) throws IOException {
        JsonNode v = config.get(key);
        if (v != null && !v.isNull() && (!v.isIntegralNumber() || v.intValue() != expected)) {
            throw new IOException(dir.resolve(CONFIG_FILE) + ": '" + key + "' is " + v + " but the base model needs "
                    + expected);
        }
    }

    /** A required string key. */
    public static String requireText(JsonNode config, String key, Path dir) throws IOException {
        JsonNode v = config.get(key);
        if (v == null || !v.isTextual()) {
            throw new IOException(dir.resolve(CONFIG_FILE) + ": '" + key + "' must be a string, got " + v);
        }
        return v.asText();
    }

    /** Every tensor of the weights file, copied to Java memory. */
    public static Map<String, HostTensor> readTensors(Path dir) throws IOException {
        Path file = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " does not exist");
        }
        Map<String, HostTensor> out = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.names()) {
                out.put(name, f.get(name));
            }
        }
        return out;
    }

    /**
     * Overwrites a parameter's values in place with a loaded tensor (converted to the parameter's dtype),
     * after checking the shape. Runs with autograd off: an in-place write to a trainable leaf is only
     * legal outside a graph.
     */
    public static void copyInto(Parameter target, HostTensor source, String name, Path dir) throws IOException {
        NDArray dst = target.getArray();
        if (!Arrays.equals(dst.getShape().getShape(), source.shape())) {
            throw new IOException(dir.resolve(WEIGHTS_FILE) + ": tensor " + name + " has shape "
                    + Arrays.toString(source.shape()) + ", the model needs " + dst.getShape());
        }
        if (!source.dtype().isFloatingPoint()) {
            throw new IOException(dir.resolve(WEIGHTS_FILE) + ": tensor " + name + " has dtype " + source.dtype()
                    + "; a floating-point tensor is needed");
        }
        JniUtils.setGradMode(false);
        try (NDManager tmp = dst.getManager().newSubManager()) {
            NDArray src = NDArrays.toNDArray(tmp, source, dst.getDataType());
            dst.set(new NDIndex("..."), src);
        }
    }

    /** Parameters under PEFT's key prefix ({@code base_model.model.} + in-memory name), for {@link #write}. */
    public static Map<String, NDArray> prefixed(Map<String, Parameter> params) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        params.forEach((name, p) -> out.put(PEFT_PREFIX + name, p.getArray()));
        return out;
    }

    /**
     * Loads {@code base_model.model.<name>} into each parameter; the file must hold exactly these tensors,
     * so an adapter saved for another layout is named rather than half-loaded.
     */
    public static void copyAll(Map<String, Parameter> params, Map<String, HostTensor> tensors, Path dir)
            throws IOException {
        java.util.Set<String> expected = new java.util.TreeSet<>();
        params.keySet().forEach(n -> expected.add(PEFT_PREFIX + n));
        if (!expected.equals(new java.util.TreeSet<>(tensors.keySet()))) {
            java.util.Set<String> missing = new java.util.TreeSet<>(expected);
            missing.removeAll(tensors.keySet());
            java.util.Set<String> unexpected = new java.util.TreeSet<>(tensors.keySet());
            unexpected.removeAll(expected);
            throw new IOException(dir.resolve(WEIGHTS_FILE) + " does not fit the model: missing " + missing
                    + ", unexpected " + unexpected);
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String key = PEFT_PREFIX + e.getKey();
            copyInto(e.getValue(), tensors.get(key), key, dir);
        }
    }

    /** An enum constant named by a string key, with the allowed names in the error. */
    public static <E extends Enum<E>> E requireEnum(JsonNode config, String key, Class<E> type, Path dir)
            throws IOException {
        String v = requireText(config, key, dir);
        try {
            return Enum.valueOf(type, v);
        } catch (IllegalArgumentException e) {
            throw new IOException(dir.resolve(CONFIG_FILE) + ": '" + key + "' is " + v + ", expected one of "
                    + Arrays.toString(type.getEnumConstants()), e);
        }
    }
}
