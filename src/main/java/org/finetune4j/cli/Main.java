package org.finetune4j.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import org.finetune4j.bench.Bench;
import org.finetune4j.model.kernels.MatmulPrecision;
import org.finetune4j.runtime.Djl;
import org.finetune4j.task.PaymentsQuickstart;
import org.finetune4j.task.PretrainTinyBase;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code finetune4j} command: a thin front end over the library's recipes.
 *
 * <p>Exit codes: 0 success, 1 the run failed (one line on standard error, the stack trace only with
 * {@code --verbose}), 2 a usage error (an unknown option, a missing argument or input file: picocli's message and
 * the usage help).
 */
@Command(name = "finetune4j", mixinStandardHelpOptions = true, version = "finetune4j 0.1.0",
        description = "Fine-tune Llama-family models with LoRA, QLoRA and other PEFT methods on the JVM.",
        subcommands = {TrainCommand.class, EvalCommand.class, GenerateCommand.class, ChatCommand.class,
                MergeCommand.class, DownloadCommand.class, PaymentsQuickstart.class, PretrainTinyBase.class,
                Bench.class, KernelCommand.class, DoctorCommand.class})
public final class Main implements Callable<Integer> {
    /** Exit code of a run that failed. */
    public static final int RUN_FAILURE = 1;
    /** The option that turns one-line errors into stack traces. */
    public static final String VERBOSE = "--verbose";

    @Option(names = VERBOSE, description = "print the stack trace of an error")
    boolean verbose;

    /** Parsed before the subcommand runs, so every model the subcommand builds uses it. */
    @Option(names = "--matmul", paramLabel = "fp32|bf16", description = "precision of the linear layers' products:"
            + " FP32 (default) or BF16 (bfloat16 operands, float32 accumulation; fast on CPUs with AMX or AVX-512"
            + " BF16 and on recent GPUs), e.g. finetune4j --matmul bf16 quickstart", converter = PrecisionConverter.class)
    void setMatmul(MatmulPrecision precision) {
        precision.use();
    }

    /** Reads {@code fp32} / {@code bf16} in any case. */
    static final class PrecisionConverter implements CommandLine.ITypeConverter<MatmulPrecision> {
        @Override
        public MatmulPrecision convert(String value) {
            try {
                return MatmulPrecision.of(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    /** The command line with its error handling, ready to {@code execute}. */
    public static CommandLine commandLine() {
        return configure(new CommandLine(new Main()));
    }

    /**
     * Installs the error handling on {@code cli} (also usable for a single subcommand): an exception of the run is
     * one line {@code <command>: <message>} on the command's error writer and exit code {@link #RUN_FAILURE}.
     */
    public static CommandLine configure(CommandLine cli) {
        return cli.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            err.println(cmd.getCommandName() + ": " + message(e));
            if (parseResult.originalArgs().contains(VERBOSE)) {
                e.printStackTrace(err);
            }
            err.flush();
            return RUN_FAILURE;
        });
    }

    /** The most telling message of {@code e}: wrappers without their own text are looked through. */
    static String message(Throwable e) {
        Throwable t = e;
        while ((t instanceof UncheckedIOException || t.getMessage() == null) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    public static void main(String[] args) {
        Djl.configure();
        System.exit(commandLine().execute(args));
    }
}
