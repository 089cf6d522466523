package org.finetune4j.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** What a save wrote, for the notebook: every file of a directory with its size. */
public final class SavedFiles {
    public static final String FILE = "file";
    public static final String BYTES = "bytes";
    public static final String SIZE = "size";

    private SavedFiles() {}

    /**
     * The regular files below {@code dir}, by path relative to it ({@code /}-separated, sorted), with
     * columns {@value #FILE}, {@value #BYTES} and {@value #SIZE} (human-readable, decimal units as the
     * Hugging Face Hub shows them).
     */
    public static Table list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("not a directory: " + dir);
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
        StringColumn names = StringColumn.create(FILE);
        LongColumn bytes = LongColumn.create(BYTES);
        StringColumn sizes = StringColumn.create(SIZE);
        for (Path f : files) {
            long n = Files.size(f);
            names.append(dir.relativize(f).toString().replace('\\', '/'));
            bytes.append(n);
            sizes.append(humanSize(n));
        }
        return Table.create(dir.getFileName() == null ? dir.toString() : dir.getFileName().toString(),
                names, bytes, sizes);
    }

    /** Total bytes of the files below {@code dir}. */
    public static long totalBytes(Path dir) throws IOException {
        return (long) list(dir).longColumn(BYTES).sum();
    }

    /** {@code 999 B}, {@code 1.50 kB}, {@code 540 MB}, {@code 12.3 GB}: powers of 1000 as the Hub shows. */
    public static String humanSize(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative size " + bytes);
        }
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB", "PB", "EB"};
        double v = bytes;
        int u = -1;
        while (v >= 999.95 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, units[u]);
    }
}
