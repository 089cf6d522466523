package org.finetune4j.cli;

import java.io.IOException;
import java.util.Locale;
import org.finetune4j.generate.ChatModel;
import org.finetune4j.generate.constraint.DecodingConstraint;
import picocli.CommandLine;

/** How answers are decoded by eval, generate and chat ({@code --decoding}). */
enum DecodingChoice {
    /** as saved beside the model ({@code decoding.json}), freely when nothing is saved */
    SAVED,
    /** freely: the model alone, whatever is saved */
    FREE,
    /** constrained to eval's {@code --schema}, with {@code --copied-fields} copied from the message */
    SCHEMA;

    /** Where {@link #SCHEMA} takes its constraint from. */
    @FunctionalInterface
    interface SchemaConstraint {
        DecodingConstraint get() throws IOException;
    }

    /** {@code chat} decoding as chosen: its saved constraint kept, dropped, or replaced by {@code schema}'s. */
    ChatModel applyTo(ChatModel chat, SchemaConstraint schema) throws IOException {
        switch (this) {
            case FREE -> chat.optDecodingConstraint(null);
            case SCHEMA -> chat.optDecodingConstraint(schema.get());
            case SAVED -> { }
        }
        return chat;
    }

    /** Reads {@code saved}, {@code free}, {@code schema} in any case. */
    static final class Converter implements CommandLine.ITypeConverter<DecodingChoice> {
        @Override
        public DecodingChoice convert(String value) {
            return DecodingChoice.valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
    }
}
