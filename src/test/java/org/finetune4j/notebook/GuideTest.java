package org.finetune4j.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.finetune4j.eval.EvalExample;
import org.finetune4j.eval.EvalReport;
import org.finetune4j.eval.JsonObjective;
import org.finetune4j.eval.JsonObjectiveEvaluator;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.peft.TechniqueConfig;
import org.finetune4j.peft.TechniqueType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuideTest {

    @Test
    void projectRootIsFoundFromANestedFolder(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("checkout");
        Files.createDirectories(root.resolve("data/task"));
        Files.writeString(root.resolve("data/task/schema.json"), "{}");
        Path notebooks = Files.createDirectories(root.resolve("notebooks/sub"));
        assertEquals(root.toRealPath(), Guide.projectRoot(notebooks).toRealPath());
        assertEquals(root.toRealPath(), Guide.projectRoot(root).toRealPath());
    }

    @Test
    void missingCheckoutNamesTheStartFolder(@TempDir Path tmp) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Guide.projectRoot(tmp));
        assertTrue(e.getMessage().contains(tmp.toAbsolutePath().toString()), e.getMessage());
    }

    @Test
    void testsRunInsideTheCheckout() {
        assertTrue(Files.isDirectory(Guide.taskDir()));
    }

    @Test
    void runsDirVariableReplacesTheCheckoutsRunsFolder(@TempDir Path tmp) {
        assertEquals(tmp.toAbsolutePath(), Guide.runsDir(Map.of(Guide.RUNS_DIR, tmp.toString())));
        assertEquals(Guide.projectRoot().resolve("runs"), Guide.runsDir(Map.of(Guide.RUNS_DIR, "  ")));
        assertEquals(Guide.projectRoot().resolve("runs"), Guide.runsDir(Map.of()));
    }

    @Test
    void guideTechniquesCoverEveryTechniqueOnce() {
        Map<String, TechniqueConfig> t = Guide.guideTechniques();
        Set<TechniqueType> types = t.values().stream().map(TechniqueConfig::type)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(TechniqueType.class)));
        assertEquals(EnumSet.allOf(TechniqueType.class), types);
        assertEquals(TechniqueType.values().length, t.size());
        assertEquals("full", t.keySet().iterator().next());
    }

    @Test
    void beforeAfterKeepsBaseFirst() {
        JsonObjective objective = JsonObjective.builder().setSchema("{\"type\":\"object\"}").build();
        List<EvalExample> ex = List.of(new EvalExample("a", List.of(ChatMessage.user("hi")), "{}", Map.of()));
        EvalReport base = JsonObjectiveEvaluator.builder().setObjective(objective).build().score(ex, List.of("no"));
        EvalReport tuned = JsonObjectiveEvaluator.builder().setObjective(objective).build().score(ex, List.of("{}"));
        Map<String, EvalReport> m = Guide.beforeAfter(base, tuned);
        assertEquals(List.of("base", "LoRA"), List.copyOf(m.keySet()));
        assertSame(base, m.get("base"));
        assertEquals(1.0, m.get("LoRA").overall().validJsonRate());
    }
}
