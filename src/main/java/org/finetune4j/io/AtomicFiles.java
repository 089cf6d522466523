package org.finetune4j.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes small files so that a crash never leaves a half-written file under the real name. */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Fills a temporary file that then replaces the target. */
    @FunctionalInterface
    private interface Fill {
        void into(Path tmp) throws IOException;
    }

    public static void writeString(Path target, String content) throws IOException {
        replace(target, tmp -> Files.writeString(tmp, content, StandardCharsets.UTF_8));
    }

    /** Copies {@code source} to {@code target} the same way: a temporary sibling first, then one rename. */
    public static void copy(Path source, Path target) throws IOException {
        replace(target, tmp -> Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING));
    }

    private static void replace(Path target, Fill fill) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            fill.into(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
