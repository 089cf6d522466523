package org.finetune4j.cli;

import picocli.CommandLine.Option;

/** {@code --verbose}: errors with their stack trace (read by {@link Main#configure}). */
final class VerboseOption {
    @Option(names = Main.VERBOSE, description = "print the stack trace of an error")
    boolean verbose;
}
