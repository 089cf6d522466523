package org.finetune4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.finetune4j.recipe.Recipe;
import org.finetune4j.recipe.RecipeException;
import org.finetune4j.recipe.RecipeLoader;
import org.finetune4j.recipe.RecipeOverrides;
import org.finetune4j.recipe.RecipeRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code finetune4j train RECIPE [key.path=value…] [--resume] [--dry-run]}. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Fine-tune a model as a recipe (YAML or JSON) says: train, save the adapter, evaluate.",
            "Example: finetune4j train recipes/lora.yaml trainer.max_steps=20 technique.r=8"})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Parameters(index = "0", paramLabel = "RECIPE", description = "recipe file (.yaml, .yml or .json)")
    Path recipe;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE",
            description = "overrides, e.g. trainer.learning_rate=1e-3 technique.target_modules=[q_proj,v_proj]")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--resume", description = "continue from the newest checkpoint in OUTPUT/checkpoints")
    boolean resume;

    @Option(names = "--dry-run",
            description = "print the resolved recipe and the technique report, and stop before training")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(recipe)) {
            throw new ParameterException(spec.commandLine(), "recipe file not found: " + recipe);
        }
        RecipeOverrides parsed;
        try {
            parsed = RecipeOverrides.parse(overrides);
        } catch (RecipeException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        ObjectNode tree = RecipeLoader.resolvedTree(recipe, parsed);
        Recipe resolved = RecipeLoader.fromTree(tree, recipe.toString(), parsed);
        PrintWriter out = spec.commandLine().getOut();
        RecipeRunner runner = RecipeRunner.builder().setRecipe(resolved).optResume(resume).optLog(out).build();
        if (dryRun) {
            out.println("# resolved recipe " + recipe + (overrides.isEmpty() ? "" : " with " + overrides));
            out.print(RecipeLoader.toYaml(tree));
            out.println("technique: " + resolved.technique().toConfig());
            out.println("trainer: " + resolved.trainer().toTrainerConfig(resolved.technique(),
                    runner.runDirectory().checkpoints()));
            out.println(runner.plan());
            out.flush();
            return 0;
        }
        RecipeRunner.Result result = runner.run();
        out.println("done: " + result.saved());
        out.flush();
        return 0;
    }
}
