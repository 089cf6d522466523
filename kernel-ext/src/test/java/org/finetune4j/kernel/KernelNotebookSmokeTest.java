package org.finetune4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: installs the kernelspec with {@code finetune4j kernel install --prefix}, executes
 * {@code smoke.ipynb} with nbconvert in the real Java (finetune4j) kernel, and checks the saved outputs. Skipped when
 * {@code /usr/bin/jupyter} is missing, unless {@code CI=true}, where that is a failure.
 */
class KernelNotebookSmokeTest {

    @TempDir
    Path tmp;

    @Test
    void smokeNotebookRendersChartsTablesAndLiveProgress() throws Exception {
        Jupyter.requireJupyter();
        Path jupyterPath = Jupyter.installKernel(tmp, "1g");
        Path nb = tmp.resolve("smoke.ipynb");
        try (var in = KernelNotebookSmokeTest.class.getResourceAsStream("/smoke.ipynb")) {
            Files.copy(in, nb);
        }
        Path outDir = Files.createDirectories(tmp.resolve("out"));
        Path out = Jupyter.execute(nb, outDir, jupyterPath, Map.of(), Duration.ofMinutes(5), Duration.ofMinutes(3));
        check(new ObjectMapper().readTree(out.toFile()));
    }

    private static void check(JsonNode nb) {
        Set<String> mimes = new TreeSet<>();
        List<String> errors = new ArrayList<>();
        List<String> html = new ArrayList<>();
        for (JsonNode cell : nb.get("cells")) {
            for (JsonNode output : cell.path("outputs")) {
                if (output.path("output_type").asText().equals("error")) {
                    errors.add(output.path("ename").asText() + ": " + output.path("evalue").asText());
                }
                output.path("data").fieldNames().forEachRemaining(mimes::add);
                if (output.path("data").has("text/html")) {
                    html.add(joined(output.path("data").get("text/html")));
                }
            }
        }
        assertTrue(errors.isEmpty(), "error outputs: " + errors);
        // a class the notebook never imported resolves: the kernelspec's init script pre-imports the library
        JsonNode preimports = nb.get("cells").get(2);
        assertTrue(joined(preimports.path("source")).contains("PaymentsRecipe"), "cell 2 is the pre-import cell");
        assertEquals("16", joined(preimports.path("outputs").get(0).path("data").path("text/html")).trim(),
                preimports.path("outputs").toString());
        assertTrue(mimes.containsAll(Set.of("image/png", "text/html", "text/plain")), mimes.toString());
        assertTrue(html.stream().anyMatch(h -> h.contains("<td>a&lt;b</td>")), "escaped table cell");
        // nbclient folds the live updates into the original output: the saved state is the last one
        assertTrue(html.stream().anyMatch(h -> h.contains("step 20/20 (100%)")), "final live progress: " + html);
        JsonNode liveCell = nb.get("cells").get(nb.get("cells").size() - 1);
        long displays = 0;
        for (JsonNode o : liveCell.get("outputs")) {
            displays += o.path("output_type").asText().equals("display_data") ? 1 : 0;
        }
        assertEquals(2, displays, "one chart and one progress output, updated in place");
        assertFalse(joined(liveCell.get("outputs").get(2).path("text")).isEmpty());
    }

    private static String joined(JsonNode textOrLines) {
        if (textOrLines.isArray()) {
            StringBuilder sb = new StringBuilder();
            textOrLines.forEach(l -> sb.append(l.asText()));
            return sb.toString();
        }
        return textOrLines.asText();
    }
}
