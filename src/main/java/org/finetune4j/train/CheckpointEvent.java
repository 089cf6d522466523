package org.finetune4j.train;

import java.nio.file.Path;

/**
 * A checkpoint that is complete on disk.
 *
 * @param step      steps completed
 * @param directory the {@code checkpoint-<step>} directory
 */
public record CheckpointEvent(int step, Path directory) {}
