package org.finetune4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.finetune4j.export.MergedModelWriter;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.generate.constraint.SavedDecoding;
import org.finetune4j.rag.SavedPrompting;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code finetune4j merge --model DIR --adapter DIR --out DIR}: fold a LoRA/DoRA/QLoRA adapter into the weights. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Write base + adapter as one standalone Hugging Face checkpoint (LoRA, DoRA, QLoRA adapters).",
            "Example: finetune4j merge --model data/models/tiny-base --adapter runs/lora/adapter --out runs/merged"})
public final class MergeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory of the merged model")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (modelOptions.adapter == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--adapter=DIR'");
        }
        modelOptions.check(spec);
        try (LoadedModel loaded = LoadedModel.open(modelOptions)) {
            MergedModelWriter.save((PeftModel) loaded.model(), out, loaded.dir(), loaded.generation());
        }
        SavedPrompting.copy(modelOptions.adapter, out); // a model trained with tools or retrieval is used with them
        SavedDecoding.copy(modelOptions.adapter, out); // and answers under the constraint it was evaluated with
        spec.commandLine().getOut().println("merged model written to " + out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
