package org.finetune4j.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.eval.EvalExample;
import org.finetune4j.eval.EvalReport;
import org.finetune4j.eval.JsonObjective;
import org.finetune4j.eval.JsonObjectiveEvaluator;
import org.finetune4j.model.ModelResources;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.TechniqueReport;
import org.finetune4j.peft.TechniqueType;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class GuideTablesTest {

    static LlamaConfig tinyConfig() {
        return LlamaConfig.builder().setVocabSize(61).setHiddenSize(32).setIntermediateSize(48).setNumHiddenLayers(3)
                .setNumAttentionHeads(4).optNumKeyValueHeads(2).optMaxPositionEmbeddings(64).build();
    }

    @Test
    void parameterTableSumsToTheConfigsCountAndGroupsLayers() {
        LlamaConfig c = tinyConfig();
        try (NDManager root = Djl.engine().newBaseManager()) {
            LlamaForCausalLM model = LlamaForCausalLM.fromWeights(c, LlamaForCausalLM.randomWeights(c, 1, 0.1),
                    ModelResources.create(root, DevicePolicy.cpu()));
            Table t = GuideTables.parameters(model);
            int last = t.rowCount() - 1;
            assertEquals("total", t.stringColumn("tensor").get(last));
            assertEquals(c.parameterCount(), t.longColumn("parameters").get(last));
            long sum = 0;
            for (int r = 0; r < last; r++) {
                sum += t.longColumn("parameters").get(r);
            }
            assertEquals(c.parameterCount(), sum);
            int k = t.stringColumn("tensor").indexOf("model.layers.*.self_attn.k_proj.weight");
            assertEquals(3, t.intColumn("count").getInt(k));
            assertEquals("[16, 32]", t.stringColumn("shape").get(k)); // (kv heads * head dim, hidden)
            assertEquals(3L * 16 * 32, t.longColumn("parameters").get(k));
        }
    }

    @Test
    void architectureTableShowsDerivedValues() {
        Table t = GuideTables.architecture(tinyConfig());
        Map<String, String> rows = new LinkedHashMap<>();
        for (int r = 0; r < t.rowCount(); r++) {
            rows.put(t.stringColumn("field").get(r), t.stringColumn("value").get(r));
        }
        assertEquals("8", rows.get("head_dim"));
        assertEquals("2 (2 query heads each)", rows.get("num_key_value_heads"));
        assertEquals(String.format(java.util.Locale.ROOT, "%,d", tinyConfig().parameterCount()),
                rows.get("parameters"));
    }

    @Test
    void techniqueTableConvertsBytesToMegabytes() {
        Map<String, TechniqueReport> m = new LinkedHashMap<>();
        m.put("LoRA", new TechniqueReport(TechniqueType.LORA, 1_016_000, 16_000, 4_000_000, 64_000, 128_000, 0, 0, 0));
        Table t = GuideTables.techniques(m);
        assertEquals(16_000L, t.longColumn("trainable_params").get(0));
        assertEquals(100.0 * 16_000 / 1_016_000, t.doubleColumn("trainable_pct").get(0), 1e-12);
        assertEquals(4.192, t.doubleColumn("total_mb").get(0), 1e-12);
    }

    @Test
    void answersShowTheLastUserMessageGoldAndAnswer() {
        JsonObjective objective = JsonObjective.builder().setSchema("{\"type\":\"object\"}").build();
        List<EvalExample> ex = List.of(
                new EvalExample("a", List.of(ChatMessage.system("s"), ChatMessage.user("tf 50rb")), "{\"x\":1}",
                        Map.of()),
                new EvalExample("b", List.of(ChatMessage.user("cek saldo")), "{\"x\":2}", Map.of()));
        EvalReport report = JsonObjectiveEvaluator.builder().setObjective(objective).build()
                .score(ex, List.of("{\"x\":1}", "saldo anda"));
        Table t = GuideTables.answers(report, 5);
        assertEquals(2, t.rowCount());
        assertEquals(List.of("tf 50rb", "cek saldo"), t.stringColumn("message").asList());
        assertEquals(List.of("{\"x\":1}", "saldo anda"), t.stringColumn("answer").asList());
        assertEquals("CORRECT", t.stringColumn("category").get(0));
        assertEquals(1, GuideTables.answers(report, 1).rowCount());
        assertThrows(IllegalArgumentException.class, () -> GuideTables.answers(report, -1));
    }
}
