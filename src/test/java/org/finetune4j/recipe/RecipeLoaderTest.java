package org.finetune4j.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.finetune4j.peft.AdapterActivation;
import org.finetune4j.peft.AdapterConfig;
import org.finetune4j.peft.AdapterPlacement;
import org.finetune4j.peft.LoraConfig;
import org.finetune4j.peft.LoraInit;
import org.finetune4j.peft.PromptInit;
import org.finetune4j.peft.PromptTuningConfig;
import org.finetune4j.peft.QloraConfig;
import org.finetune4j.peft.TechniqueType;
import org.finetune4j.task.PaymentsRetrieval;
import org.finetune4j.train.ScheduleType;
import org.finetune4j.train.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeLoaderTest {
    static final Path RECIPES = Path.of("recipes");

    @TempDir
    Path tmp;

    static final String YAML = """
            # a comment
            model:
              path: some/model
              revision: v1
            data:
              train: train.jsonl
              format: sharegpt
              max_length: 256
              packing: false
              limit: 10
              validation_count: 2
              seed: 7
            technique:
              type: lora
              r: 4
              alpha: 8.5
              target_modules: [q_proj, v_proj]
              use_dora: true
              init: gaussian
            trainer:
              learning_rate: 1.0e-3
              max_steps: 3
              schedule: constant
              grad_accum: 2
              neftune_noise_alpha: 5
            output:
              dir: out
              save_merged: true
            eval:
              file: test.jsonl
              schema: schema.json
              group_by: [intent]
            """;

    static final String JSON = """
            {"model": {"path": "some/model", "revision": "v1"},
             "data": {"train": "train.jsonl", "format": "SHAREGPT", "max_length": 256, "packing": false, "limit": 10,
                      "validation_count": 2, "seed": 7},
             "technique": {"type": "lora", "r": 4, "alpha": 8.5, "target_modules": ["q_proj", "v_proj"],
                           "use_dora": true, "init": "GAUSSIAN"},
             "trainer": {"learning_rate": 0.001, "max_steps": 3, "schedule": "CONSTANT", "grad_accum": 2,
                         "neftune_noise_alpha": 5},
             "output": {"dir": "out", "save_merged": true},
             "eval": {"file": "test.jsonl", "schema": "schema.json", "group_by": ["intent"]}}
            """;

    Path write(String name, String text) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void yamlAndJsonFormsMapToEqualRecipes() throws IOException {
        Recipe fromYaml = RecipeLoader.load(write("r.yaml", YAML));
        Recipe fromJson = RecipeLoader.load(write("r.json", JSON));
        assertEquals(fromYaml, fromJson);

        assertEquals(new Recipe.Model("some/model", "v1"), fromYaml.model());
        assertEquals(new Recipe.Data(Path.of("train.jsonl"), null, DataFormat.SHAREGPT, 256, false, 10, null, 2, 7L),
                fromYaml.data());
        assertEquals(Path.of("out"), fromYaml.output().dir());
        assertTrue(fromYaml.output().merged());
        assertEquals(List.of("intent"), fromYaml.eval().groupBy());
        assertNull(fromYaml.eval().limit());

        LoraConfig lora = assertInstanceOf(LoraConfig.class, fromYaml.technique().toConfig());
        assertEquals(new LoraConfig(4, 8.5, 0, List.of("q_proj", "v_proj"), false, true, List.of(), LoraInit.GAUSSIAN),
                lora);
    }

    @Test
    void absentKeysTakeTheLibraryDefaults() throws IOException {
        Recipe r = RecipeLoader.load(write("min.yaml", """
                model: {path: m}
                data: {train: t.jsonl}
                technique: {type: lora}
                output: {dir: o}
                """));
        assertEquals(LoraConfig.builder().build(), r.technique().toConfig());
        assertNull(r.eval());
        assertEquals(0.0, r.trainer().neftuneAlpha(), "NEFTune is off unless asked for");
        TrainerConfig tc = r.trainer().toTrainerConfig(r.technique(), Path.of("o/checkpoints"));
        TrainerConfig defaults = TrainerConfig.builder().setLearningRate(tc.learningRate())
                .optCheckpointDir(Path.of("o/checkpoints")).build();
        assertEquals(defaults, tc);
        // PEFT techniques get a larger default step than full fine-tuning
        Recipe full = RecipeLoader.load(write("full.yaml", """
                model: {path: m}
                data: {train: t.jsonl}
                technique: {type: full}
                output: {dir: o}
                """));
        assertTrue(tc.learningRate() > full.trainer().toTrainerConfig(full.technique(), null).learningRate());
    }

    @Test
    void trainerKeysReachTheTrainerConfig() throws IOException {
        Recipe r = RecipeLoader.load(write("r.yaml", YAML));
        TrainerConfig tc = r.trainer().toTrainerConfig(r.technique(), Path.of("ck"));
        assertEquals(1e-3, tc.learningRate());
        assertEquals(3, tc.maxSteps());
        assertEquals(ScheduleType.CONSTANT, tc.schedule());
        assertEquals(2, tc.microBatchesPerStep());
        assertEquals(Path.of("ck"), tc.checkpointDir());
        assertEquals(5.0, r.trainer().neftuneAlpha());
    }

    @Test
    void everyTechniqueTypeHasItsLowerCaseName() throws IOException {
        for (TechniqueType type : TechniqueType.values()) {
            String name = type.name().toLowerCase(Locale.ROOT);
            String extra = switch (type) {
                case PROMPT_TUNING, PREFIX_TUNING -> ", num_virtual_tokens: 4";
                default -> "";
            };
            Recipe r = RecipeLoader.load(write(name + ".yaml", "model: {path: m}\ndata: {train: t.jsonl}\n"
                    + "technique: {type: " + name + extra + "}\noutput: {dir: o}\n"));
            assertEquals(type, r.technique().type(), name);
            assertEquals(type, r.technique().toConfig().type(), name);
        }
    }

    @Test
    void everyShippedRecipeMapsOnTheBundledTask() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(RECIPES)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        List<String> names = files.stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of("adapter.yaml", "bitfit.yaml", "dora.yaml", "full.yaml", "lora.yaml",
                "prefix_tuning.yaml", "prompt_tuning.yaml", "qlora.yaml"), names);
        for (Path f : files) {
            Recipe r = RecipeLoader.load(f);
            assertEquals("data/models/tiny-base", r.model().path(), f.toString());
            assertTrue(Files.isDirectory(Path.of(r.model().path())), f.toString());
            assertTrue(Files.isRegularFile(r.data().train()), f.toString());
            assertTrue(Files.isRegularFile(r.data().validation()), f.toString());
            assertTrue(Files.isRegularFile(r.eval().file()), f.toString());
            assertTrue(Files.isRegularFile(r.eval().schema()), f.toString());
            assertEquals(Path.of("data/task/test.jsonl"), r.eval().file(), f.toString());
            assertEquals(Path.of("runs/" + f.getFileName().toString().replace(".yaml", "")), r.output().dir());
            assertTrue(Files.isRegularFile(Path.of(r.retrieval().examples())), f.toString());
            assertEquals(org.finetune4j.task.PaymentsRecipe.PROMPT_TOOLS, r.tools().names(), f.toString());
        }
        Recipe lora = RecipeLoader.load(RECIPES.resolve("lora.yaml"));
        LoraConfig lc = (LoraConfig) lora.technique().toConfig();
        // lora.yaml is the quickstart (task.PaymentsRecipe): the CLI, the notebooks and the README must agree
        org.finetune4j.task.PaymentsRecipe quick = org.finetune4j.task.PaymentsRecipe.defaults();
        assertEquals(quick.loraConfig(), lc);
        assertEquals(quick.trainSamples(), lora.data().limit());
        assertEquals(quick.rowLength(), lora.data().maxLength());
        assertEquals(quick.batchRows(), lora.trainer().batchSize());
        assertEquals(quick.learningRate(), lora.trainer().learningRate());
        assertEquals(quick.epochs(), lora.trainer().epochs());
        assertEquals(PaymentsRetrieval.config(Path.of("data/task/train.jsonl"),
                PaymentsRetrieval.Shown.valueOf(quick.retrieval().name()), quick.retrievedExamples()),
                lora.retrieval());
        assertEquals(quick.promptTools(), lora.promptTools());
        assertEquals(16, lc.r());
        assertEquals(16.0, lc.alpha());
        assertEquals(LoraConfig.ALL_PROJECTIONS, lc.targetModules());
        assertFalse(lc.useDora());
        assertTrue(((LoraConfig) RecipeLoader.load(RECIPES.resolve("dora.yaml")).technique().toConfig()).useDora());
        QloraConfig q = (QloraConfig) RecipeLoader.load(RECIPES.resolve("qlora.yaml")).technique().toConfig();
        assertEquals(LoraConfig.ALL_PROJECTIONS, q.lora().targetModules());
        assertEquals(new AdapterConfig(AdapterPlacement.HOULSBY, 16, AdapterActivation.SWISH),
                RecipeLoader.load(RECIPES.resolve("adapter.yaml")).technique().toConfig());
        assertEquals(new PromptTuningConfig(20, PromptInit.SAMPLE_VOCAB, null),
                RecipeLoader.load(RECIPES.resolve("prompt_tuning.yaml")).technique().toConfig());
        double fullLr = RecipeLoader.load(RECIPES.resolve("full.yaml")).trainer().learningRate();
        for (Path f : files) {
            Recipe r = RecipeLoader.load(f);
            // each recipe trains as notebook 09's comparison does, so the two report the same runs
            double rate = quick.learningRate(r.technique().type());
            assertEquals(rate, r.trainer().learningRate(), rate * 1e-9, f.toString());
            if (r.technique().type() != TechniqueType.FULL) {
                assertTrue(r.trainer().learningRate() > fullLr, f + ": PEFT learns faster than full fine-tuning");
            }
        }
    }

    @Test
    void unknownKeyErrorNamesTheKeyTheSectionAndTheFile() throws IOException {
        Path f = write("typo.yaml", YAML.replace("max_steps: 3", "max_step: 3"));
        RecipeException e = assertThrows(RecipeException.class, () -> RecipeLoader.load(f));
        assertTrue(e.getMessage().startsWith(f + ": unknown key 'trainer.max_step'"), e.getMessage());
        assertTrue(e.getMessage().contains("max_steps"), "lists the known keys: " + e.getMessage());

        Path top = write("top.json", JSON.replace("\"eval\":", "\"evaluation\":"));
        e = assertThrows(RecipeException.class, () -> RecipeLoader.load(top));
        assertTrue(e.getMessage().startsWith(top + ": unknown key 'evaluation'"), e.getMessage());

        // a misspelt required key is named as unknown, not reported as missing
        Path misspelt = write("misspelt.yaml", YAML.replace("train: train.jsonl", "trian: train.jsonl"));
        e = assertThrows(RecipeException.class, () -> RecipeLoader.load(misspelt));
        assertTrue(e.getMessage().startsWith(misspelt + ": unknown key 'data.trian'"), e.getMessage());

        // a key of another technique is unknown too
        Path other = write("other.yaml", YAML.replace("r: 4", "num_virtual_tokens: 4"));
        e = assertThrows(RecipeException.class, () -> RecipeLoader.load(other));
        assertTrue(e.getMessage().contains("unknown key 'technique.num_virtual_tokens'"), e.getMessage());
    }

    @Test
    void missingRequiredValuesAndBadValuesAreNamed() throws IOException {
        Path noTrain = write("a.yaml", YAML.replace("  train: train.jsonl\n", ""));
        RecipeException e = assertThrows(RecipeException.class, () -> RecipeLoader.load(noTrain));
        assertEquals(noTrain + ": data: missing required value 'train'", e.getMessage());

        Path noOutput = write("b.yaml", YAML.substring(0, YAML.indexOf("output:")));
        e = assertThrows(RecipeException.class, () -> RecipeLoader.load(noOutput));
        assertEquals(noOutput + ": missing required value 'output'", e.getMessage());

        Path noType = write("c.yaml", YAML.replace("  type: lora\n", ""));
        e = assertThrows(RecipeException.class, () -> RecipeLoader.load(noType));
        assertTrue(e.getMessage().startsWith(noType + ": technique: missing required value 'type'"), e.getMessage());

        Path badType = write("d.yaml", YAML.replace("type: lora", "type: lorax"));
        e = assertThrows(RecipeException.class, () -> RecipeLoader.load(badType));
        assertTrue(e.getMessage().contains("unknown type 'lorax'") && e.getMessage().contains("prompt_tuning"),
                e.getMessage());

        Path badEnum = write("e.yaml", YAML.replace("schedule: constant", "schedule: triangle"));
        e = assertThrows(RecipeException.class, () -> RecipeLoader.load(badEnum));
        assertTrue(e.getMessage().startsWith(badEnum + ": trainer.schedule: "), e.getMessage());

        Path badRank = write("f.yaml", YAML.replace("r: 4", "r: 0"));
        e = assertThrows(RecipeException.class, () -> RecipeLoader.load(badRank));
        assertTrue(e.getMessage().startsWith(badRank + ": technique: ") && e.getMessage().contains("rank"),
                e.getMessage());

        Path syntax = write("g.yaml", "model:\n  path: [unclosed\n");
        e = assertThrows(RecipeException.class, () -> RecipeLoader.load(syntax));
        assertTrue(e.getMessage().startsWith(syntax + ": malformed YAML at line"), e.getMessage());

        Path missing = tmp.resolve("nope.yaml");
        e = assertThrows(RecipeException.class, () -> RecipeLoader.load(missing));
        assertEquals(missing + ": recipe file not found", e.getMessage());
    }
}
