package org.finetune4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.finetune4j.io.hub.DownloadProgress;
import org.finetune4j.io.hub.FilePatterns;
import org.finetune4j.io.hub.HubClient;
import org.finetune4j.io.hub.RepoIds;
import org.finetune4j.io.hub.RepoType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code finetune4j download REPO_ID [--revision R] [--include GLOB…]}: fetches a model snapshot into the Hugging Face
 * cache ({@code HF_HOME}, {@code HF_TOKEN}, {@code HF_ENDPOINT}, {@code HF_HUB_OFFLINE} honoured) and prints its
 * directory, alone on standard output, so {@code $(finetune4j download …)} can be passed on.
 */
@Command(name = "download", mixinStandardHelpOptions = true,
        description = {"Download a model from the Hugging Face Hub into the HF cache and print the snapshot path.",
            "Example: finetune4j download HuggingFaceTB/SmolLM2-135M-Instruct"})
public final class DownloadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Parameters(index = "0", paramLabel = "REPO_ID", description = "e.g. HuggingFaceTB/SmolLM2-135M-Instruct")
    String repoId;

    @Option(names = "--revision", paramLabel = "R", defaultValue = "main", description = "branch, tag or commit")
    String revision;

    @Option(names = "--include", paramLabel = "GLOB",
            description = "only files matching (repeatable); default: what a causal LM needs (config, tokenizer,"
                    + " safetensors weights)")
    List<String> include = new ArrayList<>();

    /** The environment the Hub client reads (the process environment; replaced in tests). */
    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() throws Exception {
        if (!RepoIds.isValid(repoId)) {
            throw new ParameterException(spec.commandLine(), "not a Hub repo id (owner/name): " + repoId);
        }
        FilePatterns patterns = include.isEmpty() ? FilePatterns.CAUSAL_LM : new FilePatterns(include, List.of());
        PrintWriter err = spec.commandLine().getErr();
        DownloadProgress progress = (path, done, total) -> {
            if (done == total) {
                err.println("downloaded " + path + " (" + total + " bytes)");
                err.flush();
            }
        };
        HubClient client = HubClient.builder().optEnvironment(environment).build();
        Path snapshot = client.snapshotDownload(repoId, RepoType.MODEL, revision, patterns, progress);
        spec.commandLine().getOut().println(snapshot);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
