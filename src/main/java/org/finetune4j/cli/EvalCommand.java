package org.finetune4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.finetune4j.eval.EvalReport;
import org.finetune4j.generate.ChatModel;
import org.finetune4j.generate.constraint.JsonSchemaConstraint;
import org.finetune4j.generate.constraint.SavedDecoding;
import org.finetune4j.recipe.JsonEvaluation;
import org.finetune4j.recipe.Recipe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code finetune4j eval --model DIR [--adapter DIR] --data FILE --schema FILE [--limit N] [--json OUT]
 * [--decoding saved|free|schema [--copied-fields F,…]]}.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Measure the JSON objective: valid JSON, schema-valid, exact match, per-field accuracy.",
            "Example: finetune4j eval --model data/models/tiny-base --adapter runs/lora/adapter"
                    + " --data data/task/test.jsonl --schema data/task/schema.json --limit 100"})
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "JSONL of messages; the last (assistant) message of each line is the gold JSON")
    Path data;

    @Option(names = "--schema", required = true, paramLabel = "FILE", description = "JSON Schema of an answer")
    Path schema;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "first N examples (0 = all)")
    int limit;

    @Option(names = "--group-by", split = ",", paramLabel = "KEY",
            description = "meta keys to break the metrics down by, e.g. intent,language")
    List<String> groupBy = new ArrayList<>();

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "16", description = "prompts generated together")
    int batchSize;

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "longest answer (default: the model's)")
    Integer maxNewTokens;

    @Option(names = "--json", paramLabel = "OUT", description = "also write the full report as JSON")
    Path json;

    @Option(names = "--decoding", paramLabel = "MODE", defaultValue = "saved", converter = DecodingChoice.Converter.class,
            description = "saved (the constraint saved beside the model, if any), free (the model alone) or schema"
                    + " (constrained to --schema); default: ${DEFAULT-VALUE}")
    DecodingChoice decoding;

    @Option(names = "--copied-fields", split = ",", paramLabel = "FIELD",
            description = "with --decoding schema: string fields copied from the user's message, e.g. recipient,note")
    List<String> copiedFields = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        modelOptions.check(spec);
        ModelOptions.requireFile(spec, "--data", data);
        ModelOptions.requireFile(spec, "--schema", schema);
        Recipe.Eval eval = new Recipe.Eval(data, schema, limit, groupBy, batchSize, maxNewTokens);
        if (!copiedFields.isEmpty() && decoding != DecodingChoice.SCHEMA) {
            throw new ParameterException(spec.commandLine(), "--copied-fields needs --decoding schema");
        }
        try (LoadedModel loaded = LoadedModel.open(modelOptions)) {
            ChatModel chat = decoding.applyTo(loaded.chat(), this::constraint);
            PrintWriter out = spec.commandLine().getOut();
            loaded.prompting().ifPresent(p -> out.println("prompts as the model was trained: " + p));
            if (chat.decodingConstraint() instanceof JsonSchemaConstraint c) {
                out.println("decoding constrained: " + SavedDecoding.describe(c));
            }
            EvalReport report = JsonEvaluation.evaluate(chat, eval);
            out.println("evaluated " + report.n() + " examples of " + data);
            JsonEvaluation.print(report, groupBy, out);
            if (json != null) {
                report.writeJson(json);
                out.println("report written to " + json);
            }
            out.flush();
        }
        return 0;
    }

    private JsonSchemaConstraint constraint() throws IOException {
        try {
            return JsonSchemaConstraint.read(schema, copiedFields);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--decoding schema: " + schema + ": " + e.getMessage());
        }
    }
}
