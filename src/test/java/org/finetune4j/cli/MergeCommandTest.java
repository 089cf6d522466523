package org.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.finetune4j.model.PretrainedModel;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.model.llama.LlamaForCausalLMTestAccess;
import org.finetune4j.peft.BitFitConfig;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.recipe.Adapters;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergeCommandTest {
    static final int[] IDS = {3, 17, 42, 0, 59, 8, 8, 31, 12, 5, 40, 273, 274};

    @TempDir
    Path tmp;

    @Test
    void mergedModelHasTheLogitsOfBasePlusAdapter() throws IOException {
        Path adapter = CliFixtures.trainedRun().resolve("adapter");
        Path merged = tmp.resolve("merged");
        CliFixtures.Run run = CliFixtures.run("merge", "--model", CliFixtures.modelDir().toString(), "--adapter",
                adapter.toString(), "--out", merged.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(Files.isRegularFile(merged.resolve("tokenizer.json")), "tokenizer files come along");

        try (NDManager root = Djl.engine().newBaseManager()) {
            LlamaForCausalLM mergedModel = PretrainedModel.load(merged, root, DevicePolicy.cpu());
            PeftModel withAdapter = Adapters.load(
                    PretrainedModel.load(CliFixtures.modelDir(), root, DevicePolicy.cpu()), adapter);
            LlamaForCausalLM base = PretrainedModel.load(CliFixtures.modelDir(), root, DevicePolicy.cpu());
            float[][] m = LlamaForCausalLMTestAccess.logits(mergedModel, IDS);
            float[][] a = LlamaForCausalLMTestAccess.logits(withAdapter, IDS);
            float[][] b = LlamaForCausalLMTestAccess.logits(base, IDS);
            assertTrue(maxAbsDiff(m, a) < 1e-4, "merged vs base+adapter: " + maxAbsDiff(m, a));
            assertTrue(maxAbsDiff(a, b) > 1e-3, "the adapter changes the model: " + maxAbsDiff(a, b));
        }
    }

    @Test
    void anAdapterThatCannotBeMergedIsARunFailure() throws IOException {
        Path bitfit = tmp.resolve("bitfit");
        try (NDManager root = Djl.engine().newBaseManager()) {
            PeftModel model = PeftModel.create(PretrainedModel.load(CliFixtures.modelDir(), root, DevicePolicy.cpu()),
                    BitFitConfig.allProjections(), 1);
            Adapters.save(model, bitfit, null);
        }
        CliFixtures.Run run = CliFixtures.run("merge", "--model", CliFixtures.modelDir().toString(), "--adapter",
                bitfit.toString(), "--out", tmp.resolve("m").toString());
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("merge: BITFIT cannot be merged"), run.err());
    }

    @Test
    void missingAdapterDirectoryIsAUsageError() {
        Path missing = tmp.resolve("no-adapter");
        CliFixtures.Run run = CliFixtures.run("merge", "--model", CliFixtures.modelDir().toString(), "--adapter",
                missing.toString(), "--out", tmp.resolve("m").toString());
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains(missing.toString()), run.err());
    }

    static double maxAbsDiff(float[][] a, float[][] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                d = Math.max(d, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return d;
    }
}
