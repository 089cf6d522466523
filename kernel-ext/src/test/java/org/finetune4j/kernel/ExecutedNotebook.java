package org.finetune4j.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A notebook as nbconvert saved it after execution, read for assertions: its code cells with their outputs
 * (live updates are already folded into the final state), errors named by cell, and text tables parsed by row.
 */
record ExecutedNotebook(String name, List<Cell> cells) {

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

    /** One output: its type ({@code stream}, {@code execute_result}, {@code display_data}, {@code error}). */
    record Output(String type, JsonNode json) {
        boolean has(String mime) {
            return json.path("data").has(mime);
        }

        String data(String mime) {
            return joined(json.path("data").path(mime));
        }

        /** Stream text ({@code stdout}/{@code stderr}), empty for other outputs. */
        String text() {
            return joined(json.path("text"));
        }
    }

    /** A code cell: its index among all cells, the source, whether the kernel ran it, and the outputs. */
    record Cell(int index, String source, boolean executed, List<Output> outputs) {
        /** "cell 7 (first line of source)": how failures name a cell. */
        String label() {
            String first = source.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
            return "cell " + index + " (" + (first.length() > 70 ? first.substring(0, 70) + "…" : first) + ")";
        }

        boolean sourceContains(String text) {
            return source.contains(text);
        }
    }

    static ExecutedNotebook read(Path file) throws IOException {
        JsonNode nb = new ObjectMapper().readTree(file.toFile());
        List<Cell> cells = new ArrayList<>();
        JsonNode all = nb.path("cells");
        for (int i = 0; i < all.size(); i++) {
            JsonNode c = all.get(i);
            if (!c.path("cell_type").asText().equals("code")) {
                continue;
            }
            List<Output> outputs = new ArrayList<>();
            for (JsonNode o : c.path("outputs")) {
                outputs.add(new Output(o.path("output_type").asText(), o));
            }
            cells.add(new Cell(i, joined(c.path("source")), c.path("execution_count").isInt(), List.copyOf(outputs)));
        }
        return new ExecutedNotebook(file.getFileName().toString(), List.copyOf(cells));
    }

    /** Every error output as "cell N (source): ename: evalue" plus the first traceback lines, colour codes removed. */
    List<String> errors() {
        List<String> out = new ArrayList<>();
        for (Cell c : cells) {
            for (Output o : c.outputs()) {
                if (o.type().equals("error")) {
                    StringBuilder sb = new StringBuilder(name + " " + c.label() + ": "
                            + o.json().path("ename").asText() + ": " + o.json().path("evalue").asText());
                    int n = 0;
                    for (JsonNode line : o.json().path("traceback")) {
                        if (n++ == 12) {
                            break;
                        }
                        sb.append("\n    ").append(ANSI.matcher(line.asText()).replaceAll(""));
                    }
                    out.add(sb.toString());
                }
            }
        }
        return out;
    }

    /** Labels of the code cells that never ran (no execution count). */
    List<String> notExecuted() {
        return cells.stream().filter(c -> !c.executed()).map(c -> name + " " + c.label()).toList();
    }

    /** The first code cell whose source contains {@code text}. */
    Cell cell(String text) {
        return cells.stream().filter(c -> c.sourceContains(text)).findFirst()
                .orElseThrow(() -> new AssertionError(name + ": no code cell contains '" + text + "'"));
    }

    /** All outputs of all cells, in order. */
    List<Output> outputs() {
        return cells.stream().flatMap(c -> c.outputs().stream()).toList();
    }

    /**
     * The cells of row {@code row} in a Tablesaw text table ({@code text/plain} of a table output): the columns
     * after the row label, trimmed.
     */
    static Optional<List<String>> row(String table, String row) {
        for (String line : table.split("\n")) {
            String[] parts = line.split("\\|", -1);
            if (parts.length > 1 && parts[0].strip().equals(row)) {
                List<String> cells = new ArrayList<>();
                for (int i = 1; i < parts.length; i++) {
                    if (i < parts.length - 1 || !parts[i].isBlank()) {
                        cells.add(parts[i].strip());
                    }
                }
                return Optional.of(cells);
            }
        }
        return Optional.empty();
    }

    static String joined(JsonNode textOrLines) {
        if (textOrLines.isArray()) {
            StringBuilder sb = new StringBuilder();
            textOrLines.forEach(l -> sb.append(l.asText()));
            return sb.toString();
        }
        return textOrLines.isMissingNode() ? "" : textOrLines.asText();
    }
}
