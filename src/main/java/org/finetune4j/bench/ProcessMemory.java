package org.finetune4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process from {@code /proc/self/status} (Linux), in MB; -1 elsewhere. */
public final class ProcessMemory {
    private ProcessMemory() {}

    /** Current resident set size (VmRSS). */
    public static double rssMb() {
        return field("VmRSS:");
    }

    /** Peak resident set size so far (VmHWM). */
    public static double peakRssMb() {
        return field("VmHWM:");
    }

    /** Bytes the Java heap has committed (part of the resident set once touched), in MB. */
    public static double heapCommittedMb() {
        return Runtime.getRuntime().totalMemory() / (1024.0 * 1024.0);
    }

    private static double field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
