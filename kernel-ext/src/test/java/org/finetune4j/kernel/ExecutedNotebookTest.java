package org.finetune4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader the notebook tests rely on to name failing cells and to read numbers out of text tables. */
class ExecutedNotebookTest {

    private static final String NB = """
            {"cells": [
              {"cell_type": "markdown", "metadata": {}, "source": ["# title"]},
              {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": ["int x = 1;\\n", "x"],
               "outputs": [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                            "data": {"text/html": "1"}}]},
              {"cell_type": "code", "execution_count": 2, "metadata": {},
               "source": ["\\n", "Guide.evaluate(model, 8)"],
               "outputs": [{"output_type": "error", "ename": "CompilerException", "evalue": "cannot find symbol",
                            "traceback": ["\\u001b[31mcannot find symbol\\u001b[0m", "  symbol: variable model"]}]},
              {"cell_type": "code", "execution_count": null, "metadata": {}, "source": "never()", "outputs": []}
            ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
            """;

    @Test
    void errorsNameNotebookCellAndTracebackWithoutColourCodes(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("07-x.ipynb"), NB);
        ExecutedNotebook nb = ExecutedNotebook.read(file);
        assertEquals(3, nb.cells().size(), "code cells only");
        List<String> errors = nb.errors();
        assertEquals(1, errors.size());
        assertEquals("07-x.ipynb cell 2 (Guide.evaluate(model, 8)): CompilerException: cannot find symbol\n"
                + "    cannot find symbol\n      symbol: variable model", errors.get(0));
        assertEquals(List.of("07-x.ipynb cell 3 (never())"), nb.notExecuted());
        assertEquals("1", nb.cell("int x").outputs().get(0).data("text/html"));
        assertThrows(AssertionError.class, () -> nb.cell("absent"));
    }

    @Test
    void rowsOfATablesawTextTable() {
        String table = """
                               comparison
                       metric         |  base  |  LoRA  |
                -----------------------------------------
                                   n  |     8  |     8  |
                     valid_json_rate  |     0  |  0.25  |
                """;
        assertEquals(Optional.of(List.of("8", "8")), ExecutedNotebook.row(table, "n"));
        assertEquals(Optional.of(List.of("0", "0.25")), ExecutedNotebook.row(table, "valid_json_rate"));
        assertEquals(Optional.empty(), ExecutedNotebook.row(table, "exact_match_rate"));
    }
}
