package org.finetune4j.kernel;

import static org.finetune4j.kernel.RenderAssertions.assertKeys;
import static org.finetune4j.kernel.RenderAssertions.html;
import static org.finetune4j.kernel.RenderAssertions.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.eval.EvalExample;
import org.finetune4j.eval.EvalReport;
import org.finetune4j.eval.JsonObjective;
import org.finetune4j.eval.JsonObjectiveEvaluator;
import org.finetune4j.peft.TechniqueReport;
import org.finetune4j.peft.TechniqueType;
import org.junit.jupiter.api.Test;
import org.rapaio.jupyter.kernel.display.DisplayData;

class ReportRenderersTest {

    @Test
    void evalReportShowsSummaryAndPerFieldTables() {
        JsonObjective objective = JsonObjective.builder().setSchema("{\"type\":\"object\"}").build();
        JsonObjectiveEvaluator evaluator = JsonObjectiveEvaluator.builder().setObjective(objective).build();
        List<EvalExample> examples = List.of(
                new EvalExample("e1", List.of(ChatMessage.user("pay 5")), "{\"amount\":5,\"to\":\"ann\"}", Map.of()),
                new EvalExample("e2", List.of(ChatMessage.user("pay 7")), "{\"amount\":7,\"to\":\"bob\"}", Map.of()));
        // e1 fully right; e2: amount right, recipient wrong
        EvalReport report = evaluator.score(examples, List.of("{\"amount\":5,\"to\":\"ann\"}",
                "{\"amount\":7,\"to\":\"<bob>\"}"));
        DisplayData dd = new EvalReportRenderer().render(null, report);
        assertKeys(dd, "text/html", "text/plain");
        String html = html(dd);
        assertTrue(html.contains("2 examples"), html);
        assertTrue(html.contains("<caption>summary</caption>"), html);
        assertTrue(html.contains("<caption>per-field</caption>"), html);
        assertTrue(html.contains("<td>exact_match_rate</td><td class=\"num\">0.5</td>"), html);
        // field "to": 1 of 2 correct
        assertTrue(html.contains("<td>to</td><td class=\"num\">2</td><td class=\"num\">2</td><td class=\"num\">1</td>"
                + "<td class=\"num\">0.5</td>"), html);
        assertTrue(text(dd).startsWith("EvalReport[n=2"), text(dd));
    }

    @Test
    void techniqueReportRowsAreFormattedNumbers() {
        TechniqueReport lora = new TechniqueReport(TechniqueType.LORA, 1_016_000, 16_000, 4_000_000, 64_000, 128_000,
                0, 0, 0);
        Map<String, String> rows = TechniqueReportRenderer.rows(lora);
        assertEquals("LORA", rows.get("technique"));
        assertEquals("1,016,000", rows.get("total parameters"));
        // 16000 / 1016000 = 1.5748 %
        assertEquals("16,000 (1.575%)", rows.get("trainable parameters"));
        assertEquals("4.0 MB", rows.get("frozen weights"));
        assertEquals("0.1 MB", rows.get("optimizer state"));
        assertTrue(!rows.containsKey("4-bit storage"));

        // 1000 params in 4 bits + scales: 516 bytes → 4.128 bits/param, 516 / 4000 = 0.129 of fp32
        TechniqueReport qlora = new TechniqueReport(TechniqueType.QLORA, 1_016, 16, 516, 64, 128, 1000, 516, 4000);
        assertEquals("0.0 MB (4.128 bits/param, 0.129 of fp32)", TechniqueReportRenderer.rows(qlora).get("4-bit storage"));

        DisplayData dd = new TechniqueReportRenderer().render(null, lora);
        assertTrue(html(dd).contains("<th>trainable parameters</th><td class=\"num\">16,000 (1.575%)</td>"), html(dd));
        assertEquals(lora.toString(), text(dd));
    }
}
