package org.finetune4j.task;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.finetune4j.train.TrainingResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pretrain-tiny-base}: reproduces {@code data/models/tiny-base/} (tokenizer and model). */
@Command(name = "pretrain-tiny-base", mixinStandardHelpOptions = true,
        description = "Train the bundled tokenizer and tiny base model from the task's prose corpus.")
public final class PretrainTinyBase implements Callable<Integer> {
    @Option(names = "--task-dir", defaultValue = "data/task") Path taskDir;
    @Option(names = "--out", defaultValue = "data/models/tiny-base") Path out;
    @Option(names = "--epochs", defaultValue = "1") int epochs;
    @Option(names = "--corpus-draws", defaultValue = "4",
            description = "draws of the corpus per epoch: the task files, then fresh generator samples") int draws;
    @Option(names = "--general-documents", defaultValue = "" + TinyBaseRecipe.DEFAULT_GENERAL_DOCUMENTS,
            description = "general-text documents (word meanings, small talk) per corpus draw (0 = none)") int general;
    @Option(names = "--calendar-documents", defaultValue = "" + TinyBaseRecipe.DEFAULT_CALENDAR_DOCUMENTS,
            description = "calendar notes (relative dates resolved) per corpus draw (0 = none)") int calendar;
    @Option(names = "--max-steps", defaultValue = "0", description = "cap on optimizer steps (0 = none)") int maxSteps;
    @Option(names = "--lr", defaultValue = "2e-3") double lr;
    @Option(names = "--batch-rows", defaultValue = "16") int batchRows;
    @Option(names = "--row-length", defaultValue = "256", description = "packed row length in tokens") int rowLength;
    @Option(names = "--seed", defaultValue = "42") long seed;
    @Option(names = "--copy-warmup-steps", defaultValue = "2000",
            description = "most steps of the copy warm-up before the corpus (0 = no warm-up)") int warmupSteps;
    @Option(names = "--hidden-size", description = "model dimension (default 256)") Integer hiddenSize;
    @Option(names = "--layers", description = "decoder layers (default 8)") Integer layers;
    @Option(names = "--intermediate-size", description = "SwiGLU width (default 688)") Integer intermediateSize;

    @Override
    public Integer call() throws Exception {
        TinyBaseRecipe.Options o = options();
        TrainingResult r = TinyBaseRecipe.pretrain(taskDir, out, o, System.out);
        System.out.printf(java.util.Locale.ROOT, "%s after %d steps (%,d tokens) in %.1f min: final loss %.4f, best "
                + "validation loss %.4f (step %d); model in %s%n", r.status(), r.steps(), r.tokens(),
                r.elapsed().toSeconds() / 60.0, r.finalLoss(), r.bestValidationLoss(), r.bestStep(), out);
        return 0;
    }

    /** The run's options from the flags: an architecture flag left out keeps that size's default. */
    TinyBaseRecipe.Options options() {
        TinyBaseRecipe.Architecture a = TinyBaseRecipe.Architecture.defaults();
        a = hiddenSize == null ? a : a.withHiddenSize(hiddenSize);
        a = layers == null ? a : a.withLayers(layers);
        a = intermediateSize == null ? a : a.withIntermediateSize(intermediateSize);
        int vocabSize = TinyBaseRecipe.Options.defaults().vocabSize(); // no flag: the shipped tokenizer's size
        return new TinyBaseRecipe.Options(vocabSize, epochs, draws, general, calendar, batchRows, rowLength, lr, seed,
                maxSteps, TinyBaseRecipe.CopyWarmup.defaults().withMaxSteps(warmupSteps), a);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new PretrainTinyBase()).execute(args));
    }
}
