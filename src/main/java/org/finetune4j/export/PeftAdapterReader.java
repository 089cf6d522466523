package org.finetune4j.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.finetune4j.io.HalfFloats;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.safetensors.SafetensorsFile;
import org.finetune4j.io.safetensors.TensorInfo;
import org.finetune4j.model.LinearLayer;
import org.finetune4j.model.Module;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.LoraConfig;
import org.finetune4j.peft.LoraInit;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.TargetModules;
import org.finetune4j.peft.TechniqueConfig;
import org.finetune4j.peft.lora.LoraLinear;

/**
 * Loads a Hugging Face PEFT LoRA adapter ({@code adapter_config.json} + {@code adapter_model.safetensors})
 * onto a base model.
 *
 * <p>Everything is checked before the base is touched: the config (unknown keys are ignored, features this
 * library does not implement are refused by name) and every tensor's name and shape against the layers the
 * config targets. Only then is LoRA applied and the tensors copied into its parameters, in place. Saved
 * names may carry PEFT's in-memory adapter segment ({@code lora_A.default.weight}) or not.
 */
public final class PeftAdapterReader {
    /** PEFT's default targets for Llama-family models when {@code target_modules} is absent. */
    static final List<String> LLAMA_DEFAULT_TARGETS = List.of("q_proj", "v_proj");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long INIT_SEED = 0; // every initialised tensor is overwritten by the adapter's

    private PeftAdapterReader() {}

    /** Applies the adapter in {@code adapterDir} to {@code base} as plain LoRA (also for QLoRA adapters). */
    public static PeftModel load(LlamaForCausalLM base, Path adapterDir) throws IOException {
        return load(base, adapterDir, lora -> lora);
    }

    /**
     * Applies the adapter with a technique built from its LoRA config, e.g. {@code QloraConfig::of} to
     * run it over a 4-bit base as it was trained.
     *
     * @param technique maps the adapter's LoRA config to a LORA or QLORA technique config
     * @throws AdapterFormatException for a malformed or unsupported adapter (base left unchanged)
     */
    public static PeftModel load(LlamaForCausalLM base, Path adapterDir,
            Function<LoraConfig, TechniqueConfig> technique) throws IOException {
        PeftAdapterConfig config = readConfig(adapterDir, base);
        Path weightsFile = weightsFile(adapterDir);
        try (SafetensorsFile file = SafetensorsFile.open(weightsFile)) {
            Map<String, long[]> expected;
            try {
                expected = expectedShapes(base, config.lora());
            } catch (IllegalArgumentException e) {
                throw AdapterFormatException.of(adapterDir.resolve(PeftFormat.CONFIG_FILE), e.getMessage());
            }
            Map<String, String> plan = plan(file, expected, weightsFile);
            PeftModel model = PeftModel.create(base, technique.apply(config.lora()), INIT_SEED);
            Map<String, Parameter> params = parameters(model, config.lora());
            for (Map.Entry<String, String> e : plan.entrySet()) {
                Parameter p = params.get(e.getValue());
                if (p == null) { // the technique wrapped other layers than the config named
                    throw AdapterFormatException.of(weightsFile, "tensor " + e.getKey() + " has no parameter "
                            + e.getValue() + " in the " + model.type() + " model");
                }
                copyInto(p, HalfFloats.toFloats(file.get(e.getKey())));
            }
            return model;
        }
    }

    /**
     * Reads {@code adapter_config.json}, resolving regex {@code target_modules} and suffix
     * {@code modules_to_save} entries against {@code model}'s module names.
     *
     * @throws AdapterFormatException naming the file (and line, for malformed JSON) and the key
     */
    public static PeftAdapterConfig readConfig(Path adapterDir, Module model) throws IOException {
        Path file = adapterDir.resolve(PeftFormat.CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            throw AdapterFormatException.of(file, "not found; a PEFT adapter directory holds "
                    + PeftFormat.CONFIG_FILE + " and " + PeftFormat.WEIGHTS_FILE);
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new AdapterFormatException(file + ": malformed JSON"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw AdapterFormatException.of(file, "must hold a JSON object");
        }
        ConfigKeys keys = new ConfigKeys(file, root);
        String peftType = keys.string("peft_type", null);
        if (!"LORA".equals(peftType)) {
            throw AdapterFormatException.of(file, "peft_type is " + (peftType == null ? "missing" : "'" + peftType + "'")
                    + "; only LORA adapters can be loaded");
        }
        keys.refuseUnless("bias", n -> n.isNull() || "none".equals(n.asText()), "bias terms are not supported");
        keys.refuseUnless("fan_in_fan_out", n -> n.isNull() || !n.asBoolean(),
                "fan_in_fan_out is for GPT-2 Conv1D weights, not Llama linear layers");
        keys.refuseUnless("rank_pattern", ConfigKeys::isEmpty, "per-module ranks (rank_pattern) are not supported");
        keys.refuseUnless("alpha_pattern", ConfigKeys::isEmpty, "per-module alphas (alpha_pattern) are not supported");
        keys.refuseUnless("layers_to_transform", ConfigKeys::isEmpty, "layers_to_transform is not supported");
        keys.refuseUnless("exclude_modules", ConfigKeys::isEmpty, "exclude_modules is not supported");
        keys.refuseUnless("layer_replication", ConfigKeys::isEmpty, "layer_replication is not supported");
        keys.refuseUnless("target_parameters", ConfigKeys::isEmpty, "target_parameters is not supported");
        keys.refuseUnless("lora_bias", n -> n.isNull() || !n.asBoolean(), "a bias on lora_B is not supported");

        LoraConfig lora;
        try {
            lora = LoraConfig.builder()
                    .optR(keys.integer("r", 8))
                    .optAlpha(keys.number("lora_alpha", 8))
                    .optDropout(keys.number("lora_dropout", 0))
                    .optTargetModules(targets(keys, model))
                    .optUseRslora(keys.bool("use_rslora", false))
                    .optUseDora(keys.bool("use_dora", false))
                    .optModulesToSave(modulesToSave(keys, model))
                    .optInit(init(keys))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new AdapterFormatException(file + ": " + e.getMessage(), e);
        }
        return new PeftAdapterConfig(lora, keys.string("base_model_name_or_path", null));
    }

    private static Path weightsFile(Path dir) {
        Path file = dir.resolve(PeftFormat.WEIGHTS_FILE);
        if (Files.isRegularFile(file)) {
            return file;
        }
        Path pickle = dir.resolve(PeftFormat.PICKLE_WEIGHTS_FILE);
        if (Files.exists(pickle)) {
            throw AdapterFormatException.of(pickle, "pickled PyTorch weights are not supported (loading a pickle can run"
                    + " arbitrary code); convert the adapter to " + PeftFormat.WEIGHTS_FILE
                    + ", e.g. save_pretrained(..., safe_serialization=True) in PEFT");
        }
        throw AdapterFormatException.of(file, "not found");
    }

    /** {@code target_modules}: a list of suffixes, "all-linear", or a regex that must match whole names. */
    private static List<String> targets(ConfigKeys keys, Module model) {
        JsonNode n = keys.node("target_modules");
        if (n == null || n.isNull()) {
            return LLAMA_DEFAULT_TARGETS;
        }
        if (n.isArray()) {
            return keys.strings("target_modules");
        }
        if (!n.isTextual()) {
            throw keys.error("target_modules", "must be a list of module names or a regex string");
        }
        if (n.asText().equals(TargetModules.ALL_LINEAR)) {
            return List.of(TargetModules.ALL_LINEAR);
        }
        Pattern p;
        try {
            p = Pattern.compile(n.asText());
        } catch (PatternSyntaxException e) {
            throw keys.error("target_modules", "is not a valid regex: " + e.getDescription());
        }
        List<String> matched = new ArrayList<>();
        model.namedModules().forEach((name, m) -> {
            if (m instanceof LinearLayer && p.matcher(name).matches()) {
                matched.add(name);
            }
        });
        if (matched.isEmpty()) {
            throw keys.error("target_modules", "regex '" + n.asText() + "' matches no linear layer of the model");
        }
        return matched;
    }

    /** {@code modules_to_save}: PEFT matches entries as name suffixes ("embed_tokens" → "model.embed_tokens"). */
    private static List<String> modulesToSave(ConfigKeys keys, Module model) {
        JsonNode n = keys.node("modules_to_save");
        if (n == null || n.isNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String entry : keys.strings("modules_to_save")) {
            List<String> hits = new ArrayList<>();
            model.namedModules().keySet().forEach(name -> {
                if (name.equals(entry) || name.endsWith("." + entry)) {
                    hits.add(name);
                }
            });
            if (hits.isEmpty()) {
                throw keys.error("modules_to_save", "entry '" + entry + "' names no module of the model");
            }
            out.addAll(hits);
        }
        return out;
    }

    private static LoraInit init(ConfigKeys keys) {
        JsonNode n = keys.node("init_lora_weights");
        if (n == null || n.isNull() || n.isBoolean()) {
            return LoraInit.KAIMING_UNIFORM;
        }
        if (n.isTextual() && n.asText().equals("gaussian")) {
            return LoraInit.GAUSSIAN;
        }
        throw keys.error("init_lora_weights", "'" + n.asText() + "' is not supported (only true, false and"
                + " \"gaussian\"; PiSSA/OLoRA/LoftQ adapters change the base weights too)");
    }

    /** The in-memory name and shape of every tensor the adapter must provide, before anything is applied. */
    private static Map<String, long[]> expectedShapes(LlamaForCausalLM base, LoraConfig lora) {
        Map<String, long[]> out = new LinkedHashMap<>();
        TargetModules.resolve(base, lora.targetModules()).forEach((path, layer) -> {
            long in = layer.inFeatures();
            long outF = layer.outFeatures();
            out.put(path + ".lora_A.weight", new long[] {lora.r(), in});
            out.put(path + ".lora_B.weight", new long[] {outF, lora.r()});
            if (lora.useDora()) {
                out.put(path + ".lora_magnitude_vector", new long[] {outF});
            }
        });
        for (String save : lora.modulesToSave()) {
            base.findModule(save).orElseThrow().namedParameters().forEach((name, p) ->
                    out.put(save + "." + name, p.getArray().getShape().getShape()));
        }
        return out;
    }

    /**
     * Maps every stored tensor to the in-memory parameter it fills, or throws one error listing all
     * unexpected, duplicate, mis-shaped and missing tensors.
     */
    private static Map<String, String> plan(SafetensorsFile file, Map<String, long[]> expected, Path path) {
        Map<String, String> plan = new LinkedHashMap<>(); // stored name -> in-memory name
        Map<String, String> filledBy = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String stored : file.names()) {
            String target = inMemoryName(stored);
            TensorInfo info = file.info(stored);
            if (target == null || !expected.containsKey(target)) {
                problems.add("unexpected tensor " + stored + " (the config "
                        + (target == null ? "has no such PEFT name; names start with " + PeftFormat.TENSOR_PREFIX
                                : "implies no parameter " + target) + ")");
            } else if (filledBy.containsKey(target)) {
                problems.add("tensor " + stored + " duplicates " + filledBy.get(target) + " (both fill " + target + ")");
            } else if (!Arrays.equals(info.shape(), expected.get(target))) {
                problems.add("tensor " + stored + " has shape " + Arrays.toString(info.shape()) + ", the config needs "
                        + Arrays.toString(expected.get(target)));
            } else if (!info.dtype().isFloatingPoint()) {
                problems.add("tensor " + stored + " has dtype " + info.dtype() + "; adapter tensors are floating point");
            } else {
                filledBy.put(target, stored);
                plan.put(stored, target);
            }
        }
        expected.forEach((name, shape) -> {
            if (!filledBy.containsKey(name) && file.names().stream().noneMatch(s -> name.equals(inMemoryName(s)))) {
                problems.add("missing tensor " + PeftFormat.TENSOR_PREFIX + name + " " + Arrays.toString(shape));
            }
        });
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), 20);
            throw AdapterFormatException.of(path, "adapter tensors do not fit its config and the base model ("
                    + problems.size() + " problems):\n  " + String.join("\n  ", problems.subList(0, shown))
                    + (problems.size() > shown ? "\n  …" : ""));
        }
        return plan;
    }

    /**
     * A saved PEFT name without the wrapper prefix and the adapter-name segment
     * ({@code base_model.model.X.lora_A.default.weight} → {@code X.lora_A.weight}), or null without the prefix.
     */
    static String inMemoryName(String stored) {
        if (!stored.startsWith(PeftFormat.TENSOR_PREFIX)) {
            return null;
        }
        String n = stored.substring(PeftFormat.TENSOR_PREFIX.length());
        String dflt = "." + PeftFormat.DEFAULT_ADAPTER;
        n = n.replace(".lora_A" + dflt + ".", ".lora_A.").replace(".lora_B" + dflt + ".", ".lora_B.")
                .replace(".modules_to_save" + dflt + ".", ".");
        for (String suffix : List.of(dflt + ".weight", dflt, ".weight")) {
            String full = ".lora_magnitude_vector" + suffix;
            if (n.endsWith(full)) {
                n = n.substring(0, n.length() - suffix.length());
            }
        }
        return n;
    }

    /** The parameters the adapter fills, by in-memory name, taken from the applied technique itself. */
    private static Map<String, Parameter> parameters(PeftModel model, LoraConfig lora) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        LoraParts parts = LoraParts.of(model, "loading a PEFT LoRA adapter");
        for (Map.Entry<String, LoraLinear> e : parts.technique().wrappedLayers().entrySet()) {
            LoraLinear l = e.getValue();
            out.put(e.getKey() + ".lora_A.weight", l.loraA().weightParameter());
            out.put(e.getKey() + ".lora_B.weight", l.loraB().weightParameter());
            if (l.magnitude() != null) {
                out.put(e.getKey() + ".lora_magnitude_vector", l.magnitude());
            }
        }
        for (String save : lora.modulesToSave()) {
            model.base().findModule(save).orElseThrow().namedParameters()
                    .forEach((name, p) -> out.put(save + "." + name, p));
        }
        return out;
    }

    /**
     * Overwrites a parameter's values in place, so the {@link Parameter} and its array (which the
     * optimizer and the module hold) stay the same objects.
     */
    static void copyInto(Parameter p, float[] values) {
        NDArray target = p.getArray();
        try (NDManager tmp = target.getManager().newSubManager()) {
            NDArray src = tmp.create(values, target.getShape());
            if (src.getDataType() != target.getDataType()) {
                src = src.toType(target.getDataType(), false);
            }
            target.set(new NDIndex("..."), src);
        }
    }

    /** Typed access to config keys; every error names the file and the key. */
    private record ConfigKeys(Path file, JsonNode root) {
        JsonNode node(String key) {
            return root.get(key);
        }

        AdapterFormatException error(String key, String problem) {
            return AdapterFormatException.of(file, "key '" + key + "' " + problem);
        }

        static boolean isEmpty(JsonNode n) {
            return n.isNull() || ((n.isObject() || n.isArray()) && n.isEmpty());
        }

        void refuseUnless(String key, java.util.function.Predicate<JsonNode> ok, String why) {
            JsonNode n = root.get(key);
            if (n != null && !ok.test(n)) {
                throw error(key, "is " + n + ": " + why);
            }
        }

        String string(String key, String dflt) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return dflt;
            }
            if (!n.isTextual()) {
                throw error(key, "must be a string, got " + n);
            }
            return n.asText();
        }

        boolean bool(String key, boolean dflt) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return dflt;
            }
            if (!n.isBoolean()) {
                throw error(key, "must be true or false, got " + n);
            }
            return n.asBoolean();
        }

        double number(String key, double dflt) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return dflt;
            }
            if (!n.isNumber()) {
                throw error(key, "must be a number, got " + n);
            }
            return n.asDouble();
        }

        int integer(String key, int dflt) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return dflt;
            }
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw error(key, "must be an integer, got " + n);
            }
            return n.asInt();
        }

        List<String> strings(String key) {
            JsonNode n = root.get(key);
            if (n == null || !n.isArray()) {
                throw error(key, "must be a list of strings, got " + n);
            }
            List<String> out = new ArrayList<>();
            for (JsonNode item : n) {
                if (!item.isTextual()) {
                    throw error(key, "must be a list of strings, but holds " + item);
                }
                out.add(item.asText());
            }
            return out;
        }
    }
}
