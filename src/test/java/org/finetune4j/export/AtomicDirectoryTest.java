package org.finetune4j.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void newDirectoryAppearsComplete() throws IOException {
        Path dir = tmp.resolve("a/b/adapter");
        AtomicDirectory.write(dir, d -> Files.writeString(d.resolve("x.txt"), "x"));
        assertEquals("x", Files.readString(dir.resolve("x.txt")));
        assertEquals(List.of("adapter"), names(dir.getParent()));
    }

    @Test
    void replacementRemovesFilesOfTheEarlierSave() throws IOException {
        Path dir = tmp.resolve("out");
        AtomicDirectory.write(dir, d -> {
            Files.writeString(d.resolve("old.txt"), "old");
            Files.createDirectories(d.resolve("sub")).resolve("deep.txt").toFile().createNewFile();
        });
        AtomicDirectory.write(dir, d -> Files.writeString(d.resolve("new.txt"), "new"));
        assertEquals(List.of("new.txt"), names(dir));
        assertEquals(List.of("out"), names(tmp));
    }

    @Test
    void failureWhileWritingKeepsThePreviousSaveAndLeavesNoTemporaryDirectory() throws IOException {
        Path dir = tmp.resolve("out");
        AtomicDirectory.write(dir, d -> Files.writeString(d.resolve("model.txt"), "good"));
        IOException boom = new IOException("disk full");
        IOException thrown = assertThrows(IOException.class, () -> AtomicDirectory.write(dir, d -> {
            Files.writeString(d.resolve("model.txt"), "half");
            throw boom;
        }));
        assertSame(boom, thrown);
        assertEquals("good", Files.readString(dir.resolve("model.txt")));
        assertEquals(List.of("out"), names(tmp));

        assertThrows(IllegalStateException.class, () -> AtomicDirectory.write(dir, d -> {
            throw new IllegalStateException("bug");
        }));
        assertEquals("good", Files.readString(dir.resolve("model.txt")));
        assertEquals(List.of("out"), names(tmp));
    }

    @Test
    void aFileInTheWayIsAnError() throws IOException {
        Path file = Files.writeString(tmp.resolve("taken"), "a file");
        IOException e = assertThrows(IOException.class, () -> AtomicDirectory.write(file, d -> {}));
        assertTrue(e.getMessage().contains("not a directory"));
        assertFalse(Files.isDirectory(file));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
