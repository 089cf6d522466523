package org.finetune4j.train;

/** Shape of the learning-rate curve after warm-up. */
public enum ScheduleType {
    /** The peak rate throughout. */
    CONSTANT,
    /** Linear decay from the peak to 0 at the last step. */
    LINEAR,
    /** Half a cosine from the peak to 0 at the last step. */
    COSINE
}
