package org.finetune4j.export;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.NDArrays;
import org.finetune4j.io.TensorDType;
import org.finetune4j.io.safetensors.SafetensorsWriter;
import org.finetune4j.model.Module;
import org.finetune4j.peft.LoraConfig;
import org.finetune4j.peft.LoraInit;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.TargetModules;
import org.finetune4j.peft.lora.LoraLinear;

/**
 * Saves a LoRA or QLoRA model's adapter in Hugging Face PEFT's format, loadable unchanged by
 * {@code PeftModel.from_pretrained}:
 *
 * <pre>
 * adapter_config.json        PEFT's LoraConfig (keys sorted, as PEFT writes them)
 * adapter_model.safetensors  base_model.model.&lt;path&gt;.lora_A.weight (r, in), .lora_B.weight (out, r),
 *                            DoRA .lora_magnitude_vector (out), modules_to_save as base_model.model.&lt;param&gt;
 * README.md                  a short model card
 * </pre>
 *
 * <p>A QLoRA adapter is a plain LoRA adapter: PEFT applies it to whatever base it is loaded onto. The
 * directory is replaced as a whole ({@link AtomicDirectory}), so an earlier adapter under the same name
 * survives a failed save.
 *
 * <p>Config keys: the ones PEFT's {@code LoraConfig} has had since PEFT 0.9 (which introduced
 * {@code use_dora}) plus {@code lora_bias} (0.14); PEFT versions with forward-compatible config loading
 * (≥ 0.11) drop keys they do not know with a warning.
 */
public final class PeftAdapterWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PeftAdapterWriter() {}

    /**
     * Writes the adapter of {@code model} into {@code dir} (replacing an earlier save there).
     *
     * @param baseModelNameOrPath the Hub id or path of the base model, recorded as
     *                            {@code base_model_name_or_path}; may be null
     * @throws IllegalArgumentException if the model is not a LoRA or QLoRA model
     */
    public static void save(PeftModel model, Path dir, String baseModelNameOrPath) throws IOException {
        LoraParts lora = LoraParts.of(model, "saving a PEFT LoRA adapter");
        Map<String, HostTensor> tensors = adapterStateDict(model);
        String config = configJson(lora, baseModelNameOrPath);
        String card = modelCard(model, lora, baseModelNameOrPath);
        AtomicDirectory.write(dir, tmp -> {
            SafetensorsWriter.write(tmp.resolve(PeftFormat.WEIGHTS_FILE), tensors, SafetensorsWriter.PT_METADATA);
            Files.writeString(tmp.resolve(PeftFormat.CONFIG_FILE), config);
            Files.writeString(tmp.resolve(PeftFormat.README_FILE), card);
        });
    }

    /**
     * The adapter tensors under the names PEFT saves them (adapter name removed), as float32, in model
     * order: for each wrapped layer {@code P}, {@code base_model.model.P.lora_A.weight} (r, in),
     * {@code ….lora_B.weight} (out, r) and with DoRA {@code ….lora_magnitude_vector} (out); then every
     * parameter of each {@code modules_to_save} module, e.g. {@code base_model.model.lm_head.weight}.
     */
    public static Map<String, HostTensor> adapterStateDict(PeftModel model) {
        LoraParts lora = LoraParts.of(model, "a PEFT LoRA adapter");
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, LoraLinear> e : lora.technique().wrappedLayers().entrySet()) {
            String p = PeftFormat.TENSOR_PREFIX + e.getKey();
            LoraLinear layer = e.getValue();
            out.put(p + ".lora_A.weight", NDArrays.fromNDArray(layer.loraA().weight(), TensorDType.F32));
            out.put(p + ".lora_B.weight", NDArrays.fromNDArray(layer.loraB().weight(), TensorDType.F32));
            if (layer.magnitude() != null) {
                out.put(p + ".lora_magnitude_vector",
                        NDArrays.fromNDArray(layer.magnitude().getArray(), TensorDType.F32));
            }
        }
        for (String save : lora.config().modulesToSave()) { // PEFT matches modules_to_save by name suffix
            boolean found = false;
            for (Map.Entry<String, Module> e : model.base().namedModules().entrySet()) {
                if (e.getKey().equals(save) || e.getKey().endsWith("." + save)) {
                    found = true;
                    e.getValue().namedParameters().forEach((name, param) -> out.put(
                            PeftFormat.TENSOR_PREFIX + e.getKey() + "." + name,
                            NDArrays.fromNDArray(param.getArray(), TensorDType.F32)));
                }
            }
            if (!found) {
                throw new IllegalStateException("modules_to_save entry '" + save + "' is not a module of the model");
            }
        }
        return out;
    }

    /** The adapter_config.json text for {@code model}, keys sorted and indented by two as PEFT writes it. */
    public static String configJson(PeftModel model, String baseModelNameOrPath) {
        return configJson(LoraParts.of(model, "a PEFT LoRA adapter config"), baseModelNameOrPath);
    }

    private static String configJson(LoraParts lora, String baseModelNameOrPath) {
        LoraConfig c = lora.config();
        // TreeMap: PEFT dumps its config with sort_keys=True.
        Map<String, Object> keys = new TreeMap<>();
        keys.put("alpha_pattern", Map.of());
        keys.put("auto_mapping", null);
        keys.put("base_model_name_or_path", baseModelNameOrPath);
        keys.put("bias", "none");
        keys.put("fan_in_fan_out", false);
        keys.put("inference_mode", true);
        keys.put("init_lora_weights", c.init() == LoraInit.GAUSSIAN ? "gaussian" : Boolean.TRUE);
        keys.put("layers_pattern", null);
        keys.put("layers_to_transform", null);
        keys.put("lora_alpha", integralOrDouble(c.alpha()));
        keys.put("lora_bias", false);
        keys.put("lora_dropout", c.dropout());
        keys.put("modules_to_save", c.modulesToSave().isEmpty() ? null : c.modulesToSave());
        keys.put("peft_type", "LORA");
        keys.put("r", c.r());
        keys.put("rank_pattern", Map.of());
        keys.put("revision", null);
        keys.put("target_modules", savedTargets(lora));
        keys.put("task_type", "CAUSAL_LM");
        keys.put("use_dora", c.useDora());
        keys.put("use_rslora", c.useRslora());
        ObjectNode root = JSON.valueToTree(keys);
        try {
            return JSON.writer(pythonStylePrinter()).writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise adapter config", e);
        }
    }

    /**
     * PEFT stores {@code target_modules} as a set and writes it as a list; "all-linear" is expanded when
     * the model is built, so the saved config names the layer suffixes that were actually wrapped.
     */
    private static List<String> savedTargets(LoraParts lora) {
        TreeSet<String> targets = new TreeSet<>();
        for (String t : lora.config().targetModules()) {
            if (t.equals(TargetModules.ALL_LINEAR)) {
                for (String path : lora.technique().wrappedLayers().keySet()) {
                    targets.add(path.substring(path.lastIndexOf('.') + 1));
                }
            } else {
                targets.add(t);
            }
        }
        return new ArrayList<>(targets);
    }

    private static Object integralOrDouble(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? (Object) (long) v : (Object) v;
    }

    /** Two-space indentation, arrays one element per line, {@code "key": value} as Python's json.dumps. */
    private static DefaultPrettyPrinter pythonStylePrinter() {
        return new PythonStylePrinter();
    }

    /** Jackson's pretty printer, minus the space it puts inside empty objects and arrays ({@code {}}, not {@code { }}). */
    private static final class PythonStylePrinter extends DefaultPrettyPrinter {
        PythonStylePrinter() {
            super(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
            DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
            indentObjectsWith(indenter);
            indentArraysWith(indenter);
        }

        private PythonStylePrinter(PythonStylePrinter base) {
            super(base);
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new PythonStylePrinter(this);
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            if (entries > 0) {
                super.writeEndObject(g, entries);
                return;
            }
            if (!_objectIndenter.isInline()) {
                --_nesting;
            }
            g.writeRaw('}');
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            if (values > 0) {
                super.writeEndArray(g, values);
                return;
            }
            if (!_arrayIndenter.isInline()) {
                --_nesting;
            }
            g.writeRaw(']');
        }
    }

    private static String modelCard(PeftModel model, LoraParts lora, String base) {
        LoraConfig c = lora.config();
        String technique = model.type().name()
                + (c.useDora() ? " (DoRA)" : "") + (c.useRslora() ? " (rsLoRA)" : "");
        StringBuilder sb = new StringBuilder();
        sb.append("---\n");
        if (base != null) {
            sb.append("base_model: ").append(base).append('\n');
        }
        sb.append("library_name: peft\n");
        sb.append("tags:\n- lora\n- finetune4j\n");
        sb.append("---\n\n");
        sb.append("# LoRA adapter").append(base == null ? "" : " for " + base).append("\n\n");
        sb.append("Saved by finetune4j in Hugging Face PEFT format; load it with ")
                .append("`PeftModel.from_pretrained(base_model, path)`.\n\n");
        sb.append("| setting | value |\n|---|---|\n");
        sb.append("| base model | ").append(base == null ? "(not recorded)" : base).append(" |\n");
        sb.append("| technique | ").append(technique).append(" |\n");
        sb.append("| r | ").append(c.r()).append(" |\n");
        sb.append("| lora_alpha | ").append(integralOrDouble(c.alpha())).append(" |\n");
        sb.append("| scaling | ").append(String.format(Locale.ROOT, "%.4f", c.scaling())).append(" |\n");
        sb.append("| lora_dropout | ").append(c.dropout()).append(" |\n");
        sb.append("| target modules | ").append(String.join(", ", savedTargets(lora))).append(" |\n");
        sb.append("| wrapped layers | ").append(lora.technique().wrappedLayers().size()).append(" |\n");
        if (!c.modulesToSave().isEmpty()) {
            sb.append("| modules_to_save | ").append(String.join(", ", c.modulesToSave())).append(" |\n");
        }
        sb.append("| trainable parameters | ")
                .append(String.format(Locale.ROOT, "%,d", model.report().trainableParameters())).append(" |\n");
        sb.append("| total parameters | ")
                .append(String.format(Locale.ROOT, "%,d", model.report().totalParameters())).append(" |\n");
        return sb.toString();
    }
}
