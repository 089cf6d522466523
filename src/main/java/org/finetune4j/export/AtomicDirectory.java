package org.finetune4j.export;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Writes a whole directory so that its final name only ever holds a complete save.
 *
 * <p>The content is written into a sibling {@code NAME.tmp-XXXX} directory (same parent, so the renames
 * stay on one file system). When it is complete, an existing {@code NAME} is renamed aside to
 * {@code NAME.old-XXXX}, the new directory is renamed to {@code NAME}, and the old one is deleted. A rename
 * cannot replace a non-empty directory in one step on POSIX, so between the two renames {@code NAME} is
 * briefly absent; a crash exactly there leaves the previous save intact under {@code NAME.old-XXXX} and the
 * new one complete under {@code NAME.tmp-XXXX}. Any failure while writing deletes the temporary directory
 * and leaves {@code NAME} untouched.
 */
public final class AtomicDirectory {
    private AtomicDirectory() {}

    /** Fills a fresh, empty directory. */
    @FunctionalInterface
    public interface DirectoryWriter {
        void writeInto(Path emptyDir) throws IOException;
    }

    /**
     * Runs {@code writer} on a temporary sibling of {@code target}, then puts the result in place of
     * {@code target} (replacing an earlier save).
     *
     * @throws IOException what the writer threw (the target is then unchanged), or a rename failure
     */
    public static void write(Path target, DirectoryWriter writer) throws IOException {
        Path dir = target.toAbsolutePath().normalize();
        Path parent = dir.getParent();
        if (parent == null) {
            throw new IllegalArgumentException("cannot replace the root directory " + dir);
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException(dir + " exists and is not a directory");
        }
        Files.createDirectories(parent);
        String name = dir.getFileName().toString();
        Path tmp = Files.createTempDirectory(parent, name + ".tmp-");
        try {
            writer.writeInto(tmp);
        } catch (IOException | RuntimeException | Error e) {
            deleteQuietly(tmp, e);
            throw e;
        }
        Path old = null;
        if (Files.exists(dir)) {
            old = Files.createTempDirectory(parent, name + ".old-");
            Files.delete(old); // only the unique name is wanted; the move recreates it
            Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (old != null) {
                Files.move(old, dir, StandardCopyOption.ATOMIC_MOVE); // put the previous save back
            }
            deleteQuietly(tmp, e);
            throw e;
        }
        if (old != null) {
            deleteRecursively(old);
        }
    }

    /** Deletes a file or a directory tree; a missing path is fine. */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteQuietly(Path path, Throwable primary) {
        try {
            deleteRecursively(path);
        } catch (IOException cleanup) {
            primary.addSuppressed(cleanup);
        }
    }
}
