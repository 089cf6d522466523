package org.finetune4j.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.finetune4j.export.PeftAdapterReader;
import org.finetune4j.export.PeftAdapterWriter;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.AdapterDirectory;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.TechniqueType;
import org.finetune4j.peft.adapter.BottleneckAdapterIO;
import org.finetune4j.peft.bitfit.BitFitAdapterIO;
import org.finetune4j.peft.prefix.PrefixTuningAdapterIO;
import org.finetune4j.peft.prompt.PromptTuningAdapterIO;

/**
 * Saves any trained technique with its own writer and loads any saved adapter directory by its
 * {@code peft_type}, so the command line needs no per-technique code: LoRA and QLoRA go through
 * {@link PeftAdapterWriter}/{@link PeftAdapterReader} (PEFT's format; a QLoRA adapter loads as plain LoRA, as in
 * PEFT), prompt and prefix tuning, bottleneck adapters and BitFit through the IO class of their package.
 */
public final class Adapters {
    private static final String LORA = "LORA";

    private Adapters() {}

    /** Whether {@code type} saves as an adapter directory (everything but full fine-tuning). */
    public static boolean hasAdapter(TechniqueType type) {
        return type != TechniqueType.FULL;
    }

    /** Whether {@code type} can be folded into a plain checkpoint ({@code MergedModelWriter}). */
    public static boolean isMergeable(TechniqueType type) {
        return switch (type) {
            case FULL, LORA, QLORA -> true;
            case PROMPT_TUNING, PREFIX_TUNING, ADAPTER, BITFIT -> false;
        };
    }

    /**
     * Writes {@code model}'s adapter into {@code dir} with its technique's writer.
     *
     * @param baseModelNameOrPath recorded as {@code base_model_name_or_path} (may be null)
     * @throws IllegalArgumentException for full fine-tuning, which has no adapter (save the whole model instead)
     */
    public static void save(PeftModel model, Path dir, String baseModelNameOrPath) throws IOException {
        switch (model.type()) {
            case LORA, QLORA -> PeftAdapterWriter.save(model, dir, baseModelNameOrPath);
            case PROMPT_TUNING -> PromptTuningAdapterIO.save(model, dir, baseModelNameOrPath);
            case PREFIX_TUNING -> PrefixTuningAdapterIO.save(model, dir, baseModelNameOrPath);
            case ADAPTER -> BottleneckAdapterIO.save(model, dir, baseModelNameOrPath);
            case BITFIT -> BitFitAdapterIO.save(model, dir, baseModelNameOrPath);
            case FULL -> throw new IllegalArgumentException("full fine-tuning has no adapter: save the whole model"
                    + " (MergedModelWriter)");
        }
    }

    /**
     * Applies the adapter saved in {@code dir} to {@code base} (in place) and returns the model.
     *
     * @throws IOException naming {@code adapter_config.json} when it is missing or its {@code peft_type} is unknown
     */
    public static PeftModel load(LlamaForCausalLM base, Path dir) throws IOException {
        String type = peftType(dir);
        if (type.equals(LORA)) {
            return PeftAdapterReader.load(base, dir);
        } else if (type.equals(PromptTuningAdapterIO.PEFT_TYPE)) {
            return PromptTuningAdapterIO.load(base, dir);
        } else if (type.equals(PrefixTuningAdapterIO.PEFT_TYPE)) {
            return PrefixTuningAdapterIO.load(base, dir);
        } else if (type.equals(BottleneckAdapterIO.PEFT_TYPE)) {
            return BottleneckAdapterIO.load(base, dir);
        } else if (type.equals(BitFitAdapterIO.PEFT_TYPE)) {
            return BitFitAdapterIO.load(base, dir);
        }
        throw new IOException(dir.resolve(AdapterDirectory.CONFIG_FILE) + ": peft_type '" + type
                + "' cannot be loaded; known: " + String.join(", ", knownTypes()));
    }

    /** The {@code peft_type} of a saved adapter directory. */
    public static String peftType(Path dir) throws IOException {
        JsonNode config = AdapterDirectory.readConfig(dir);
        return AdapterDirectory.requireText(config, "peft_type", dir);
    }

    static List<String> knownTypes() {
        return List.of(LORA, PromptTuningAdapterIO.PEFT_TYPE, PrefixTuningAdapterIO.PEFT_TYPE,
                BottleneckAdapterIO.PEFT_TYPE, BitFitAdapterIO.PEFT_TYPE);
    }
}
