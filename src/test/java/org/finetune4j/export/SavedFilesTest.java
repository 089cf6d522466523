package org.finetune4j.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class SavedFilesTest {
    @TempDir
    Path tmp;

    @Test
    void listsEveryFileWithItsSizeSortedByName() throws IOException {
        Files.write(tmp.resolve("model.safetensors"), new byte[2_500]);
        Files.writeString(tmp.resolve("config.json"), "{}");
        Files.createDirectories(tmp.resolve("sub"));
        Files.write(tmp.resolve("sub/extra.bin"), new byte[999]);
        Table t = SavedFiles.list(tmp);
        assertEquals(List.of("file", "bytes", "size"), t.columnNames());
        assertEquals(List.of("config.json", "model.safetensors", "sub/extra.bin"), t.stringColumn("file").asList());
        assertEquals(List.of(2L, 2_500L, 999L), t.longColumn("bytes").asList());
        assertEquals(List.of("2 B", "2.50 kB", "999 B"), t.stringColumn("size").asList());
        assertEquals(3_501L, SavedFiles.totalBytes(tmp));
    }

    @Test
    void humanSizesUseDecimalUnits() {
        assertEquals("0 B", SavedFiles.humanSize(0));
        assertEquals("1.00 kB", SavedFiles.humanSize(1_000));
        assertEquals("12.3 kB", SavedFiles.humanSize(12_345));
        assertEquals("540 MB", SavedFiles.humanSize(540_200_000));
        assertEquals("1.00 MB", SavedFiles.humanSize(999_999));
        assertEquals("5.00 GB", SavedFiles.humanSize(5_000_000_000L));
        assertThrows(IllegalArgumentException.class, () -> SavedFiles.humanSize(-1));
    }

    @Test
    void missingDirectoryIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> SavedFiles.list(tmp.resolve("nope")));
    }
}
