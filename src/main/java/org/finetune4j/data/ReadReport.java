package org.finetune4j.data;

import java.util.List;

/**
 * What reading one dataset file found.
 *
 * @param file           the file name as it appears in sources
 * @param format         the format the lines were read as
 * @param linesRead      lines in the file, blank ones included
 * @param conversations  valid conversations kept
 * @param skipped        invalid lines left out (only under {@link BadLinePolicy#SKIP})
 * @param skipReasons    the first {@link #MAX_REASONS} skip messages, each {@code file:line: reason}
 */
public record ReadReport(String file, DatasetFormat format, int linesRead, int conversations, int skipped,
        List<String> skipReasons) {
    public static final int MAX_REASONS = 10;

    public ReadReport {
        skipReasons = List.copyOf(skipReasons);
    }

    @Override
    public String toString() {
        return file + " (" + format + "): " + linesRead + " lines, " + conversations + " conversations, "
                + skipped + " skipped" + (skipReasons.isEmpty() ? "" : " " + skipReasons);
    }
}
