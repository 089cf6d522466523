package org.finetune4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --model} and {@code --adapter}, shared by eval, generate, chat and merge. */
final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR|REPO_ID",
            description = "base model: a Hugging Face model directory or a Hub repo id")
    String model;

    @Option(names = "--revision", paramLabel = "R", description = "branch, tag or commit of a repo id (default main)")
    String revision;

    @Option(names = "--adapter", paramLabel = "DIR",
            description = "adapter directory saved by train (LoRA, QLoRA, prompt/prefix tuning, adapters, BitFit)")
    Path adapter;

    /** A given adapter directory must exist (a usage error otherwise, exit code 2). */
    void check(CommandSpec spec) {
        if (adapter != null && !Files.isDirectory(adapter)) {
            throw new ParameterException(spec.commandLine(), "--adapter: directory not found: " + adapter);
        }
    }

    static void requireFile(CommandSpec spec, String option, Path file) {
        if (file != null && !Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), option + ": file not found: " + file);
        }
    }
}
