package org.finetune4j.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.finetune4j.peft.LoraConfig;
import org.finetune4j.peft.QloraConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeOverridesTest {
    @TempDir
    Path tmp;

    Path recipe() throws IOException {
        return Files.writeString(tmp.resolve("r.yaml"), RecipeLoaderTest.YAML);
    }

    Recipe load(String... overrides) throws IOException {
        return RecipeLoader.load(recipe(), RecipeOverrides.parse(List.of(overrides)));
    }

    @Test
    void nestedNumbersBooleansAndListsOverrideTheFile() throws IOException {
        Recipe r = load("trainer.learning_rate=2e-2", "technique.r=8", "data.limit=200", "data.packing=true",
                "technique.target_modules=[q_proj,k_proj,o_proj]", "output.save_merged=false");
        assertEquals(2e-2, r.trainer().learningRate());
        assertEquals(200, r.data().limit());
        assertTrue(r.data().packing());
        assertEquals(false, r.output().merged());
        LoraConfig lora = (LoraConfig) r.technique().toConfig();
        assertEquals(8, lora.r());
        assertEquals(List.of("q_proj", "k_proj", "o_proj"), lora.targetModules());
        assertEquals(8.5, lora.alpha(), "keys not overridden keep the file's values");
    }

    @Test
    void newKeysAndSectionsAreAddedAndLaterOverridesWin() throws IOException {
        Recipe r = load("trainer.weight_decay=0.1", "trainer.weight_decay=0.2", "model.revision=abc");
        assertEquals(0.2, r.trainer().weightDecay());
        assertEquals("abc", r.model().revision());
        // switching the technique drops nothing silently: the LoRA keys of the file are unknown to prefix tuning
        RecipeException e = assertThrows(RecipeException.class, () -> load("technique.type=prefix_tuning"));
        assertTrue(e.getMessage().contains("unknown key 'technique."), e.getMessage());
    }

    @Test
    void nullResetsToTheDefaultAndRemovesOptionalSections() throws IOException {
        Recipe r = load("trainer.max_steps=null", "eval=null", "data.limit=");
        assertNull(r.trainer().maxSteps());
        assertNull(r.eval());
        assertNull(r.data().limit());
    }

    @Test
    void unknownOverridePathNamesTheOverrideAndTheFile() throws IOException {
        Path f = recipe();
        RecipeException e = assertThrows(RecipeException.class,
                () -> RecipeLoader.load(f, RecipeOverrides.parse(List.of("trainer.lr=1e-3"))));
        assertTrue(e.getMessage().startsWith(f + ": unknown key 'trainer.lr' (from the override 'trainer.lr=1e-3')"),
                e.getMessage());

        e = assertThrows(RecipeException.class,
                () -> RecipeLoader.load(f, RecipeOverrides.parse(List.of("optimizer.beta1=0.8"))));
        assertTrue(e.getMessage().contains("unknown key 'optimizer'"), e.getMessage());

        e = assertThrows(RecipeException.class,
                () -> RecipeLoader.load(f, RecipeOverrides.parse(List.of("technique.r.value=3"))));
        assertTrue(e.getMessage().startsWith(f + ": override 'technique.r.value=3': 'technique.r' is a value"),
                e.getMessage());
    }

    @Test
    void malformedOverridesAreRefused() {
        assertThrows(RecipeException.class, () -> RecipeOverrides.parse(List.of("trainer.learning_rate")));
        assertThrows(RecipeException.class, () -> RecipeOverrides.parse(List.of("=3")));
        assertThrows(RecipeException.class, () -> RecipeOverrides.parse(List.of("trainer..epochs=3")));
        RecipeException e = assertThrows(RecipeException.class,
                () -> RecipeOverrides.parse(List.of("technique.target_modules=[q_proj")));
        assertTrue(e.getMessage().startsWith("override 'technique.target_modules=[q_proj'"), e.getMessage());
    }

    @Test
    void wrongValueTypeFromAnOverrideNamesTheKey() throws IOException {
        Path f = recipe();
        RecipeException e = assertThrows(RecipeException.class,
                () -> RecipeLoader.load(f, RecipeOverrides.parse(List.of("trainer.epochs=many"))));
        assertTrue(e.getMessage().startsWith(f + ": trainer.epochs: "), e.getMessage());
    }

    @Test
    void qloraStorageKeysOverrideTheFactoryDefaults() throws IOException {
        Recipe r = load("technique.type=qlora", "technique.use_dora=false", "technique.block_size=32",
                "technique.init=null");
        QloraConfig q = (QloraConfig) r.technique().toConfig();
        assertEquals(32, q.blockSize());
        QloraConfig defaults = QloraConfig.of(q.lora());
        assertEquals(defaults.doubleQuant(), q.doubleQuant());
        assertEquals(defaults.nestedBlockSize(), q.nestedBlockSize());
        assertEquals(4, q.lora().r());
    }
}
