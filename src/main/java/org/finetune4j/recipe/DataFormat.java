package org.finetune4j.recipe;

import java.util.Optional;
import org.finetune4j.data.DatasetFormat;

/** The {@code data.format} of a recipe: one JSONL layout for every line, or {@code auto} (detected per line). */
public enum DataFormat {
    /** {@code {"messages": [{"role", "content"}]}}. */
    OPENAI(DatasetFormat.OPENAI_MESSAGES),
    /** {@code {"conversations": [{"from", "value"}]}}. */
    SHAREGPT(DatasetFormat.SHAREGPT),
    /** {@code {"instruction", "input", "output"}}. */
    ALPACA(DatasetFormat.ALPACA),
    /** Whatever each line looks like. */
    AUTO(null);

    private final DatasetFormat datasetFormat;

    DataFormat(DatasetFormat datasetFormat) {
        this.datasetFormat = datasetFormat;
    }

    /** The reader's forced format; empty for {@link #AUTO}. */
    public Optional<DatasetFormat> datasetFormat() {
        return Optional.ofNullable(datasetFormat);
    }
}
