package org.finetune4j.peft.qlora;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.TensorDType;

/**
 * Converts {@link Nf4Tensor}s to and from the tensors bitsandbytes puts in a state dict (and so in
 * pre-quantized Hugging Face safetensors checkpoints) for a 4-bit NF4 {@code Linear4bit} weight.
 *
 * <p>For a module {@code prefix} the keys are:
 * <pre>
 * prefix.weight                                     U8  [(n+1)/2, 1]  packed codes, first element high nibble
 * prefix.weight.absmax                              F32 [blocks]      plain absmax, or
 *                                                   U8  [blocks]      the 8-bit codes when double-quantized
 * prefix.weight.quant_map                           F32 [16]          the NF4 code book
 * prefix.weight.nested_absmax                       F32 [blocks2]     double quantization only
 * prefix.weight.nested_quant_map                    F32 [256]         the dynamic map, double quantization only
 * prefix.weight.quant_state.bitsandbytes__nf4       U8  [len]         UTF-8 JSON of the non-tensor fields
 * </pre>
 * The JSON holds, in bitsandbytes' order, {@code quant_type} ("nf4"), {@code blocksize}, {@code dtype}
 * (the dtype the weight dequantizes to, e.g. "bfloat16"), {@code shape}, and with double quantization
 * {@code nested_blocksize}, {@code nested_dtype} ("float32") and {@code nested_offset}; it is written
 * with Python {@code json.dumps}' separators ({@code ", "} and {@code ": "}).
 *
 * <p>Reading accepts a stored dynamic map that differs from {@link DynamicMap} by at most 1e-6 per
 * entry (a last-bit difference from another libtorch build) and decodes with {@link DynamicMap}.
 */
public final class BnbNf4Format {
    /** Suffix of the JSON quant-state tensor, after {@code prefix.weight.}. */
    public static final String QUANT_STATE_SUFFIX = "quant_state.bitsandbytes__nf4";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DefaultPrettyPrinter PYTHON_STYLE = new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultPrettyPrinter.NopIndenter())
            .withArrayIndenter(new DefaultPrettyPrinter.NopIndenter())
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEntrySpacing(Separators.Spacing.AFTER)
                    .withArrayValueSpacing(Separators.Spacing.AFTER));
    private static final double MAP_TOLERANCE = 1e-6;

    private BnbNf4Format() {}

    /** The state-dict tensors of an NF4 weight that dequantizes to float32. */
    public static Map<String, HostTensor> toBnbTensors(String prefix, Nf4Tensor t) {
        return toBnbTensors(prefix, t, TensorDType.F32);
    }

    /**
     * The state-dict tensors of an NF4 weight.
     *
     * @param prefix       module name, e.g. {@code model.layers.0.self_attn.q_proj}
     * @param computeDtype dtype recorded as {@code dtype}: F32, BF16 or F16
     */
    public static Map<String, HostTensor> toBnbTensors(String prefix, Nf4Tensor t, TensorDType computeDtype) {
        String base = prefix + ".weight";
        Map<String, HostTensor> out = new LinkedHashMap<>();
        out.put(base, new HostTensor(TensorDType.U8, new long[] {t.packed().length, 1}, ByteBuffer.wrap(t.packed())));

        ObjectNode state = JSON.createObjectNode();
        state.put("quant_type", "nf4");
        state.put("blocksize", t.blockSize());
        state.put("dtype", torchName(computeDtype));
        ArrayNode shape = state.putArray("shape");
        for (long d : t.shape()) {
            shape.add(d);
        }
        out.put(base + ".quant_map", HostTensor.ofFloats(Nf4CodeBook.values(), Nf4CodeBook.SIZE));
        if (t.scales() instanceof Nf4Scales.DoubleQuantized d) {
            // bitsandbytes stores the 8-bit codes under "absmax" when the statistics are compressed.
            out.put(base + ".absmax",
                    new HostTensor(TensorDType.U8, new long[] {d.blockCount()}, ByteBuffer.wrap(d.qAbsmax())));
            out.put(base + ".nested_absmax", HostTensor.ofFloats(d.absmax2(), d.absmax2().length));
            out.put(base + ".nested_quant_map", HostTensor.ofFloats(DynamicMap.values(), DynamicMap.SIZE));
            state.put("nested_blocksize", d.nestedBlockSize());
            state.put("nested_dtype", "float32");
            state.put("nested_offset", (double) d.offset());
        } else {
            Nf4Scales.Plain p = (Nf4Scales.Plain) t.scales();
            out.put(base + ".absmax", HostTensor.ofFloats(p.absmax(), p.blockCount()));
        }
        byte[] json;
        try {
            json = JSON.writer(PYTHON_STYLE).writeValueAsString(state).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the quant state of " + base, e);
        }
        out.put(base + "." + QUANT_STATE_SUFFIX, new HostTensor(TensorDType.U8, new long[] {json.length}, ByteBuffer.wrap(json)));
        return out;
    }

    /** Whether {@code tensors} hold a bitsandbytes NF4 weight for module {@code prefix}. */
    public static boolean isBnbNf4(String prefix, Map<String, HostTensor> tensors) {
        return tensors.containsKey(prefix + ".weight." + QUANT_STATE_SUFFIX);
    }

    /** The {@code dtype} recorded in the quant state (F32, BF16 or F16). */
    public static TensorDType computeDtype(String prefix, Map<String, HostTensor> tensors) {
        String key = prefix + ".weight." + QUANT_STATE_SUFFIX;
        return fromTorchName(text(readState(key, tensors), "dtype", key), key);
    }

    /**
     * Reads back an NF4 weight written by bitsandbytes or by {@link #toBnbTensors}.
     *
     * @throws IllegalArgumentException naming the tensor when a key is missing, a dtype or shape is wrong,
     *                                  the quant type is not nf4 or a code book differs
     */
    public static Nf4Tensor fromBnbTensors(String prefix, Map<String, HostTensor> tensors) {
        String base = prefix + ".weight";
        String stateKey = base + "." + QUANT_STATE_SUFFIX;
        JsonNode state = readState(stateKey, tensors);
        String quantType = text(state, "quant_type", stateKey);
        if (!quantType.equals("nf4")) {
            throw new IllegalArgumentException(stateKey + ": quant_type '" + quantType + "' is not supported (only nf4)");
        }
        int blockSize = positiveInt(state, "blocksize", stateKey);
        JsonNode shapeNode = state.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new IllegalArgumentException(stateKey + ": missing or invalid 'shape'");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!shapeNode.get(i).canConvertToLong() || shapeNode.get(i).asLong() < 0) {
                throw new IllegalArgumentException(stateKey + ": invalid shape " + shapeNode);
            }
            shape[i] = shapeNode.get(i).asLong();
        }
        long n = HostTensor.numel(shape);
        long blocks = (n + blockSize - 1) / blockSize;

        HostTensor weight = require(base, tensors, TensorDType.U8);
        if (weight.numel() != (n + 1) / 2) {
            throw new IllegalArgumentException(base + ": " + weight.numel() + " packed bytes, but shape "
                    + Arrays.toString(shape) + " needs " + (n + 1) / 2);
        }
        float[] quantMap = floats(require(base + ".quant_map", tensors, TensorDType.F32));
        if (!Arrays.equals(quantMap, Nf4CodeBook.values())) {
            throw new IllegalArgumentException(base + ".quant_map is not the NF4 code book: " + Arrays.toString(quantMap));
        }

        boolean nested = tensors.containsKey(base + ".nested_absmax") || state.has("nested_offset");
        Nf4Scales scales;
        if (nested) {
            String nestedDtype = text(state, "nested_dtype", stateKey);
            if (!nestedDtype.equals("float32")) {
                throw new IllegalArgumentException(stateKey + ": nested_dtype '" + nestedDtype + "' is not supported (only float32)");
            }
            int nestedBlockSize = positiveInt(state, "nested_blocksize", stateKey);
            JsonNode offsetNode = state.get("nested_offset");
            if (offsetNode == null || !offsetNode.isNumber()) {
                throw new IllegalArgumentException(stateKey + ": missing or invalid 'nested_offset'");
            }
            byte[] q = bytes(require(base + ".absmax", tensors, TensorDType.U8));
            checkCount(base + ".absmax", q.length, blocks);
            float[] absmax2 = floats(require(base + ".nested_absmax", tensors, TensorDType.F32));
            checkCount(base + ".nested_absmax", absmax2.length, (blocks + nestedBlockSize - 1) / nestedBlockSize);
            float[] map = floats(require(base + ".nested_quant_map", tensors, TensorDType.F32));
            checkDynamicMap(base + ".nested_quant_map", map);
            scales = new Nf4Scales.DoubleQuantized(q, absmax2, (float) offsetNode.asDouble(), nestedBlockSize);
        } else {
            float[] absmax = floats(require(base + ".absmax", tensors, TensorDType.F32));
            checkCount(base + ".absmax", absmax.length, blocks);
            scales = new Nf4Scales.Plain(absmax);
        }
        return new Nf4Tensor(shape, blockSize, bytes(weight), scales);
    }

    private static JsonNode readState(String key, Map<String, HostTensor> tensors) {
        HostTensor t = require(key, tensors, TensorDType.U8);
        String json = new String(bytes(t), StandardCharsets.UTF_8);
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(key + ": quant state is not a JSON object: " + json);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(key + ": quant state is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static HostTensor require(String key, Map<String, HostTensor> tensors, TensorDType dtype) {
        HostTensor t = tensors.get(key);
        if (t == null) {
            throw new IllegalArgumentException("missing tensor " + key);
        }
        if (t.dtype() != dtype) {
            throw new IllegalArgumentException(key + " has dtype " + t.dtype() + ", expected " + dtype);
        }
        return t;
    }

    private static String text(JsonNode state, String field, String key) {
        JsonNode v = state.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(key + ": missing or invalid '" + field + "'");
        }
        return v.asText();
    }

    private static int positiveInt(JsonNode state, String field, String key) {
        JsonNode v = state.get(field);
        if (v == null || !v.canConvertToInt() || v.asInt() <= 0) {
            throw new IllegalArgumentException(key + ": missing or invalid '" + field + "'");
        }
        return v.asInt();
    }

    private static void checkCount(String key, long actual, long expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(key + " has " + actual + " values, expected " + expected);
        }
    }

    private static void checkDynamicMap(String key, float[] map) {
        float[] ours = DynamicMap.values();
        if (map.length != ours.length) {
            throw new IllegalArgumentException(key + " has " + map.length + " values, expected " + ours.length);
        }
        for (int i = 0; i < map.length; i++) {
            if (!(Math.abs(map[i] - ours[i]) <= MAP_TOLERANCE)) {
                throw new IllegalArgumentException(key + " is not bitsandbytes' signed dynamic map: entry " + i
                        + " is " + map[i] + ", expected " + ours[i]);
            }
        }
    }

    private static byte[] bytes(HostTensor t) {
        ByteBuffer b = t.data();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static float[] floats(HostTensor t) {
        ByteBuffer b = t.data().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    private static String torchName(TensorDType dtype) {
        return switch (dtype) {
            case F32 -> "float32";
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            default -> throw new IllegalArgumentException("NF4 weights dequantize to F32, BF16 or F16, not " + dtype);
        };
    }

    private static TensorDType fromTorchName(String name, String key) {
        return switch (name) {
            case "float32" -> TensorDType.F32;
            case "bfloat16" -> TensorDType.BF16;
            case "float16" -> TensorDType.F16;
            default -> throw new IllegalArgumentException(key + ": unsupported dtype '" + name + "'");
        };
    }
}
