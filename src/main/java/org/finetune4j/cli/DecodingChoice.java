package org.finetune4j.cli;

import java.util.Locale;
import picocli.CommandLine;

/** How answers are decoded by eval, generate and chat ({@code --decoding}). */
enum DecodingChoice {
    /** as saved beside the model ({@code decoding.json}), freely when nothing is saved */
    SAVED,
    /** freely: the model alone, whatever is saved */
    FREE,
    /** constrained to eval's {@code --schema}, with {@code --copied-fields} copied from the message */
    SCHEMA;

    /** Reads {@code saved}, {@code free}, {@code schema} in any case. */
    static final class Converter implements CommandLine.ITypeConverter<DecodingChoice> {
        @Override
        public DecodingChoice convert(String value) {
            return DecodingChoice.valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
    }
}
