package org.finetune4j.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.config.GenerationConfig;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.data.Conversation;
import org.finetune4j.data.SftDataBuilder;
import org.finetune4j.data.SftDataset;
import org.finetune4j.data.TrainingConversation;
import org.finetune4j.eval.EvalExample;
import org.finetune4j.eval.JsonObjective;
import org.finetune4j.io.HostTensor;
import org.finetune4j.model.PretrainedModel;
import org.finetune4j.model.WeightSource;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.BitFitConfig;
import org.finetune4j.peft.FullFineTuningConfig;
import org.finetune4j.peft.LoraConfig;
import org.finetune4j.peft.TechniqueConfig;
import org.finetune4j.peft.TechniqueType;
import org.finetune4j.tokenizer.HfTokenizer;
import org.finetune4j.train.TrainerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** The comparison on a tiny random Llama saved as an HF directory (test tokenizer, byte-level BPE). */
class TechniqueComparisonTest {
    static final Path TOKENIZER = Path.of("src/test/resources/tiny-tokenizer");
    static final int HIDDEN = 32;
    static final int KV = 16; // 2 KV heads of width 8
    static final int INTERMEDIATE = 48;
    static final int LAYERS = 2;
    static final int STEPS = 2;

    @TempDir
    static Path tmp;
    static Path modelDir;
    static SftDataset data;

    @BeforeAll
    static void tinyModelAndData() throws Exception {
        modelDir = tmp.resolve("tiny-model");
        try (HfTokenizer tok = HfTokenizer.load(TOKENIZER)) {
            LlamaConfig c = LlamaConfig.builder().setVocabSize(tok.vocabSize()).setHiddenSize(HIDDEN)
                    .setIntermediateSize(INTERMEDIATE).setNumHiddenLayers(LAYERS).setNumAttentionHeads(4)
                    .optNumKeyValueHeads(2).optMaxPositionEmbeddings(256).build();
            WeightSource w = LlamaForCausalLM.randomWeights(c, 5, 0.2);
            Map<String, HostTensor> weights = new LinkedHashMap<>();
            for (String n : w.names()) {
                weights.put(n, w.get(n));
            }
            PretrainedModel.save(c, weights, GenerationConfig.DEFAULTS, modelDir,
                    PretrainedModel.DEFAULT_MAX_SHARD_BYTES);
            for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
                Files.copy(TOKENIZER.resolve(f), modelDir.resolve(f));
            }
            List<TrainingConversation> convs = new ArrayList<>();
            String[] names = {"budi", "sari", "andi", "joko"};
            for (int i = 0; i < names.length; i++) {
                convs.add(TrainingConversation.allAssistantTurns(new Conversation(List.of(ChatMessage.system("JSON"),
                        ChatMessage.user("tf " + (i + 1) + "0rb ke " + names[i]),
                        ChatMessage.assistant("{\"to\":\"" + names[i] + "\"}")), Map.of(), "test:" + i)));
            }
            data = SftDataBuilder.builder().setTokenizer(tok).optMaxLength(128).optPacking(false).optBatchSize(2)
                    .optValidationCount(0).build().fromConversations(convs);
        }
    }

    static JsonObjective objective() {
        return JsonObjective.builder().setSchema("{\"type\":\"object\"}").build();
    }

    static List<EvalExample> evalExamples() {
        return List.of(
                new EvalExample("e1", List.of(ChatMessage.system("JSON"), ChatMessage.user("tf 10rb ke budi")),
                        "{\"to\":\"budi\"}", Map.of()),
                new EvalExample("e2", List.of(ChatMessage.system("JSON"), ChatMessage.user("tf 20rb ke sari")),
                        "{\"to\":\"sari\"}", Map.of()));
    }

    /** Every technique gets the same {@value #STEPS} steps. */
    static TechniqueComparison.Builder comparison() {
        return TechniqueComparison.builder().setModelDir(modelDir).setTrainData(data).setEvalExamples(evalExamples())
                .setObjective(objective()).optMaxNewTokens(6).optEvalBatchSize(2)
                .optTrainerConfig(type -> TrainerConfig.builder().setLearningRate(2e-2).optMaxSteps(STEPS).build());
    }

    @Test
    void everyTechniqueStartsFromAFreshBaseAndIsMeasuredTheSameWay() {
        LoraConfig lora = LoraConfig.builder().optR(4).optAlpha(8).build();
        Map<String, TechniqueConfig> techniques = new LinkedHashMap<>();
        techniques.put("LoRA", lora);
        techniques.put("full", FullFineTuningConfig.all());
        techniques.put("LoRA again", lora);
        techniques.put("BitFit", BitFitConfig.allProjections());
        List<String> log = new ArrayList<>();
        TechniqueComparison.Result result = comparison().optLog(log::add).build().run(techniques);

        assertEquals(List.of("LoRA", "full", "LoRA again", "BitFit"),
                result.runs().stream().map(TechniqueComparison.Run::name).toList());
        assertEquals(8, log.size(), "a start and a result line per technique: " + log);

        // LoRA: r (in + out) per wrapped projection, every projection of every layer.
        long perLayer = 4L * ((HIDDEN + HIDDEN) + (HIDDEN + KV) + (HIDDEN + KV) + (HIDDEN + HIDDEN)
                + 3 * (HIDDEN + INTERMEDIATE));
        assertEquals(LAYERS * perLayer, result.runs().get(0).report().trainableParameters());
        // BitFit: one bias per output feature of every projection.
        long biases = HIDDEN + KV + KV + HIDDEN + INTERMEDIATE + INTERMEDIATE + HIDDEN;
        assertEquals(LAYERS * biases, result.runs().get(3).report().trainableParameters());
        // Full: everything trains.
        TechniqueComparison.Run full = result.runs().get(1);
        assertEquals(full.report().totalParameters(), full.report().trainableParameters());

        for (TechniqueComparison.Run r : result.runs()) {
            assertEquals(STEPS, r.training().steps(), r.name());
            assertTrue(Double.isFinite(r.training().finalLoss()), r.name());
            assertEquals(2, r.evaluation().n(), r.name());
            if (Files.exists(Path.of("/proc/self/status"))) {
                assertTrue(r.peakRssMb() > 0, r.name() + " peak RSS " + r.peakRssMb());
            }
        }
        // LoRA starts as the base model (B = 0), so its first loss is the base's loss. Had full fine-tuning
        // changed the base the second LoRA run uses, that loss would differ; the runs are seeded the same.
        List<Double> first = result.runs().get(0).training().lossHistory();
        List<Double> again = result.runs().get(2).training().lossHistory();
        assertEquals(first.get(0), again.get(0), 1e-5);
        assertEquals(first.get(STEPS - 1), again.get(STEPS - 1), 1e-4);
        assertNotEquals(first.get(0), first.get(STEPS - 1), "training must move the loss");

        Table t = result.table();
        assertEquals(4, t.rowCount());
        assertEquals(LAYERS * perLayer, t.longColumn("trainable_params").get(0));
        assertEquals(STEPS, t.intColumn("steps").getInt(2));
        double estimated = (full.report().frozenBytes() + full.report().trainableBytes()
                + full.report().optimizerStateBytes()) / 1e6;
        assertEquals(estimated, t.doubleColumn("est_memory_mb").get(1), 1e-12);
        // full fine-tuning of n float32 weights: 4 bytes each + 8 bytes of AdamW state
        assertEquals(12.0 * full.report().totalParameters() / 1e6, t.doubleColumn("est_memory_mb").get(1), 1e-9);
        assertEquals(List.of("LoRA", "full", "LoRA again", "BitFit"), List.copyOf(result.reports().keySet()));
        assertEquals(4, result.qualityChart().getSeriesMap().get("valid_json_rate").getXData().size());
        assertFalse(result.timeChart().getSeriesMap().isEmpty());
    }

    @Test
    void builderRejectsMissingParts() {
        assertThrows(IllegalArgumentException.class,
                () -> TechniqueComparison.builder().setModelDir(tmp.resolve("does-not-exist")));
        assertThrows(NullPointerException.class, () -> TechniqueComparison.builder().setModelDir(modelDir).build());
        assertThrows(IllegalArgumentException.class, () -> comparison().build().run(Map.of()));
    }

    @Test
    void defaultLearningRatesArePositiveForEveryTechnique() {
        for (TechniqueType t : TechniqueType.values()) {
            assertTrue(TechniqueComparison.defaultLearningRate(t) > 0, t.name());
        }
        assertTrue(TechniqueComparison.defaultLearningRate(TechniqueType.FULL)
                < TechniqueComparison.defaultLearningRate(TechniqueType.LORA));
    }
}
