package org.finetune4j.io.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.finetune4j.io.TensorDType;

/**
 * The parsed and fully validated JSON header of one safetensors file.
 *
 * <p>Validation follows the reference reader ({@code Metadata::validate}): every entry is checked on its
 * own, then the entries sorted by offset must tile the data section exactly (start at 0, no gap, no
 * overlap, nothing left over). Nothing here allocates more than the header text itself.
 *
 * @param metadata the {@code __metadata__} map (empty when absent), in file order
 * @param tensors  entries in offset order
 */
record SafetensorsHeader(Map<String, String> metadata, Map<String, TensorInfo> tensors) {

    static final String METADATA_KEY = "__metadata__";

    /** Jackson keeps the last of two equal keys by default; the reference format forbids duplicates. */
    private static final ObjectMapper STRICT_JSON = new ObjectMapper(
            JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static SafetensorsHeader parse(Path file, ByteBuffer headerBytes, long dataLength)
            throws SafetensorsFormatException {
        JsonNode root = readJson(file, headerBytes);
        if (!root.isObject()) {
            throw SafetensorsFormatException.of(file, "header must be a JSON object but is " + root.getNodeType());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> infos = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(METADATA_KEY)) {
                readMetadata(file, e.getValue(), metadata);
            } else {
                infos.add(readTensor(file, e.getKey(), e.getValue()));
            }
        }
        checkLayout(file, infos, dataLength);
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (TensorInfo info : infos) {
            tensors.put(info.name(), info);
        }
        return new SafetensorsHeader(Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(tensors));
    }

    private static JsonNode readJson(Path file, ByteBuffer headerBytes) throws SafetensorsFormatException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerBytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw SafetensorsFormatException.of(file, "header is not valid UTF-8");
        }
        try {
            JsonNode root = STRICT_JSON.readTree(text);
            if (root == null || root.isMissingNode()) {
                throw SafetensorsFormatException.of(file, "header is empty, expected a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new SafetensorsFormatException(
                    file + ": header is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> into)
            throws SafetensorsFormatException {
        if (node.isNull()) {
            return; // the reference reader treats null as "no metadata"
        }
        if (!node.isObject()) {
            throw SafetensorsFormatException.of(file, METADATA_KEY + " must be an object of strings but is "
                    + node.getNodeType());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw SafetensorsFormatException.of(file, METADATA_KEY + " value of '" + e.getKey()
                        + "' must be a string but is " + e.getValue().getNodeType());
            }
            into.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static TensorInfo readTensor(Path file, String name, JsonNode node) throws SafetensorsFormatException {
        if (!node.isObject()) {
            throw SafetensorsFormatException.ofTensor(file, name, "entry must be an object with dtype, shape and "
                    + "data_offsets but is " + node.getNodeType());
        }
        TensorDType dtype = readDType(file, name, node.get("dtype"));
        long[] shape = readShape(file, name, node.get("shape"));
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2) {
            throw SafetensorsFormatException.ofTensor(file, name, "data_offsets must be [begin, end] but is " + offsets);
        }
        long begin = readNonNegativeLong(file, name, "data_offsets", offsets.get(0));
        long end = readNonNegativeLong(file, name, "data_offsets", offsets.get(1));
        if (begin > end) {
            throw SafetensorsFormatException.ofTensor(file, name, "data_offsets begin " + begin + " > end " + end);
        }
        long expected;
        try {
            long numel = 1;
            for (long d : shape) {
                numel = Math.multiplyExact(numel, d);
            }
            expected = Math.multiplyExact(numel, (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw SafetensorsFormatException.ofTensor(file, name, "byte size of " + dtype + " "
                    + java.util.Arrays.toString(shape) + " overflows a 64-bit integer");
        }
        if (end - begin != expected) {
            throw SafetensorsFormatException.ofTensor(file, name, "data_offsets [" + begin + ", " + end + "] hold "
                    + (end - begin) + " bytes but " + dtype + " " + java.util.Arrays.toString(shape) + " needs "
                    + expected);
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static TensorDType readDType(Path file, String name, JsonNode node) throws SafetensorsFormatException {
        if (node == null || !node.isTextual()) {
            throw SafetensorsFormatException.ofTensor(file, name, "dtype must be a string but is " + node);
        }
        for (TensorDType t : TensorDType.values()) {
            if (t.name().equals(node.textValue())) { // case-sensitive, like the reference
                return t;
            }
        }
        throw SafetensorsFormatException.ofTensor(file, name, "unknown dtype '" + node.textValue() + "'; known: "
                + java.util.Arrays.toString(TensorDType.values()));
    }

    private static long[] readShape(Path file, String name, JsonNode node) throws SafetensorsFormatException {
        if (node == null || !node.isArray()) {
            throw SafetensorsFormatException.ofTensor(file, name, "shape must be a list of non-negative integers but is "
                    + node);
        }
        long[] shape = new long[node.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = readNonNegativeLong(file, name, "shape", node.get(i));
        }
        return shape;
    }

    private static long readNonNegativeLong(Path file, String name, String field, JsonNode node)
            throws SafetensorsFormatException {
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
            throw SafetensorsFormatException.ofTensor(file, name, field
                    + " must hold non-negative 64-bit integers but has " + node);
        }
        return node.longValue();
    }

    /** Sorted by offset, the tensors must cover {@code [0, dataLength)} exactly once. */
    private static void checkLayout(Path file, List<TensorInfo> infos, long dataLength)
            throws SafetensorsFormatException {
        infos.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expectedBegin = 0;
        String previous = null;
        for (TensorInfo info : infos) {
            if (info.begin() != expectedBegin) {
                String what = info.begin() > expectedBegin ? "gap" : "overlap";
                throw SafetensorsFormatException.ofTensor(file, info.name(), what + " in data section: begins at "
                        + info.begin() + " but " + (previous == null ? "the data section starts at 0"
                        : "the previous tensor '" + previous + "' ends at " + expectedBegin));
            }
            expectedBegin = info.end();
            previous = info.name();
        }
        if (expectedBegin != dataLength) {
            throw SafetensorsFormatException.of(file, "tensors end at data offset " + expectedBegin
                    + " but the data section holds " + dataLength + " bytes"
                    + (expectedBegin < dataLength ? " (trailing bytes)" : " (file truncated)"));
        }
    }
}
