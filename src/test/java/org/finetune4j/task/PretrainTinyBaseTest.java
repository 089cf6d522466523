package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PretrainTinyBaseTest {

    private static TinyBaseRecipe.Options parse(String... args) {
        PretrainTinyBase command = new PretrainTinyBase();
        new CommandLine(command).parseArgs(args);
        return command.options();
    }

    @Test
    void noFlagsGiveTheDefaultsAndAnEmptyReproduceLine() {
        assertEquals(TinyBaseRecipe.Options.defaults(), parse());
        assertEquals("", parse().commandLineFlags());
    }

    /** The model card's flags, parsed again, give the same options: the reproduce line is exact. */
    @Test
    void commandLineFlagsParseBackToTheSameOptions() {
        for (String[] args : List.of(new String[] {"--layers", "6"},
                new String[] {"--layers", "6", "--intermediate-size", "512", "--lr", "0.001"},
                new String[] {"--hidden-size", "320", "--corpus-draws", "3", "--seed", "7", "--copy-warmup-steps", "0"},
                new String[] {"--general-documents", "0", "--calendar-documents", "10", "--max-steps", "5",
                        "--batch-rows", "8", "--row-length", "128", "--epochs", "2"})) {
            TinyBaseRecipe.Options o = parse(args);
            String flags = o.commandLineFlags();
            assertEquals(o, parse(flags.split(" ")), flags);
        }
        assertEquals("--layers 6", parse("--layers", "6").commandLineFlags());
        assertEquals(6, parse("--layers", "6").architecture().layers());
        assertEquals(TinyBaseRecipe.Architecture.defaults().withLayers(6), parse("--layers", "6").architecture());
    }

    @Test
    void anArchitectureThatCannotSplitIntoHeadsIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("--hidden-size", "250"));
        assertTrue(e.getMessage().contains("250"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> parse("--layers", "0"));
        assertThrows(IllegalArgumentException.class,
                () -> new TinyBaseRecipe.Architecture(256, 8, 8, 3, 688, 512)); // 8 heads in 3 KV groups
        assertThrows(IllegalArgumentException.class,
                () -> new TinyBaseRecipe.Architecture(264, 8, 8, 4, 688, 512)); // head size 33 is odd
    }
}
