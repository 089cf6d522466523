package org.finetune4j.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Cheap static checks of the notebooks in {@code notebooks/} (nothing is executed): nbformat 4 structure, the
 * finetune4j kernelspec, no kernel magics, imports that resolve, and both languages in every markdown cell.
 *
 * <p>Convention: every markdown cell carries an Indonesian paragraph starting with {@value #ID} and an English one
 * starting with {@value #EN}.
 */
class NotebookFilesTest {
    static final Path NOTEBOOKS = Path.of("notebooks");
    static final String ID = "**ID**";
    static final String EN = "**EN**";
    static final List<String> EXPECTED = List.of("00-quickstart", "01-objective", "02-base-model", "03-technique",
            "04-data", "05-train", "06-save", "07-evaluate", "08-use", "09-compare-techniques");
    /** Classes on the kernel's class path only (rapaio kernel, kernel-ext), not on the library's test class path. */
    static final List<String> KERNEL_ONLY_PREFIXES = List.of("org.rapaio.", "org.finetune4j.kernel.");
    static final Path KERNEL_EXT_SOURCES = Path.of("kernel-ext/src/main/java");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(static\\s+)?([\\w.]+?)(\\.\\*)?\\s*;\\s*$");

    @Test
    void everyNotebookOfTheGuideIsThere() throws IOException {
        List<String> names = notebookFiles().stream().map(p -> p.getFileName().toString().replace(".ipynb", ""))
                .toList();
        assertEquals(EXPECTED, names);
    }

    @TestFactory
    Stream<DynamicTest> notebooks() throws IOException {
        return notebookFiles().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
    }

    private static List<Path> notebookFiles() throws IOException {
        assertTrue(Files.isDirectory(NOTEBOOKS), "no " + NOTEBOOKS.toAbsolutePath());
        try (Stream<Path> files = Files.list(NOTEBOOKS)) {
            return files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
    }

    private static void check(Path file) throws IOException {
        JsonNode nb = JSON.readTree(file.toFile());
        assertEquals(4, nb.path("nbformat").asInt(), file + ": nbformat");
        JsonNode spec = nb.path("metadata").path("kernelspec");
        assertEquals("finetune4j", spec.path("name").asText(), file + ": kernelspec.name");
        assertEquals("Java (finetune4j)", spec.path("display_name").asText(), file + ": kernelspec.display_name");
        assertEquals("java", spec.path("language").asText(), file + ": kernelspec.language");

        JsonNode cells = nb.path("cells");
        assertTrue(cells.isArray() && cells.size() > 0, file + ": no cells");
        int minor = nb.path("nbformat_minor").asInt();
        Set<String> ids = new HashSet<>();
        int markdown = 0;
        int code = 0;
        boolean firstCode = true;
        for (int i = 0; i < cells.size(); i++) {
            JsonNode cell = cells.get(i);
            String where = file + " cell " + i;
            String type = cell.path("cell_type").asText();
            String source = source(cell.path("source"), where);
            if (minor >= 5) {
                assertTrue(cell.path("id").isTextual() && ids.add(cell.path("id").asText()),
                        where + ": missing or repeated id");
            }
            switch (type) {
                case "markdown" -> {
                    markdown++;
                    assertTrue(source.contains(ID) && source.contains(EN),
                            where + ": markdown needs an Indonesian (" + ID + ") and an English (" + EN + ") part");
                }
                case "code" -> {
                    code++;
                    assertTrue(cell.path("outputs").isArray(), where + ": code cell without outputs array");
                    assertTrue(cell.has("execution_count"), where + ": code cell without execution_count");
                    checkCode(source, where, firstCode);
                    firstCode = false;
                }
                case "raw" -> { }
                default -> fail(where + ": unknown cell_type '" + type + "'");
            }
        }
        assertTrue(markdown >= 1, file + ": no markdown cell");
        assertTrue(code >= 1, file + ": no code cell");
    }

    /** nbformat allows a string or a list of strings. */
    private static String source(JsonNode source, String where) {
        if (source.isTextual()) {
            return source.asText();
        }
        assertTrue(source.isArray(), where + ": source must be a string or a list of strings");
        StringBuilder sb = new StringBuilder();
        source.forEach(line -> sb.append(line.asText()));
        return sb.toString();
    }

    private static void checkCode(String source, String where, boolean firstCodeCell) {
        List<String> imports = new ArrayList<>();
        boolean onlyImports = true;
        for (String line : source.split("\n")) {
            String t = line.strip();
            assertFalse(t.startsWith("%"),
                    where + ": kernel magic '" + t + "' (notebooks must run on any Java kernel)");
            if (t.startsWith("import ")) {
                Matcher m = IMPORT.matcher(t);
                assertTrue(m.matches(), where + ": cannot parse import '" + t + "'");
                assertTrue(m.group(3) == null, where + ": wildcard import '" + t + "'; import each class");
                String name = m.group(2);
                imports.add(m.group(1) == null ? name : name.substring(0, name.lastIndexOf('.')));
            } else if (!t.isEmpty() && !t.startsWith("//")) {
                onlyImports = false;
            }
        }
        if (firstCodeCell) {
            assertTrue(onlyImports && !imports.isEmpty(), where + ": the first code cell must hold the imports");
        }
        for (String className : imports) {
            if (KERNEL_ONLY_PREFIXES.stream().anyMatch(className::startsWith)) {
                if (className.startsWith("org.finetune4j.kernel.")) {
                    Path src = KERNEL_EXT_SOURCES.resolve(className.replace('.', '/') + ".java");
                    assertTrue(Files.isRegularFile(src), where + ": " + className + " is not in " + KERNEL_EXT_SOURCES);
                }
                continue;
            }
            try {
                Class.forName(className, false, NotebookFilesTest.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                fail(where + ": import of a class that does not exist: " + className);
            }
        }
    }
}
