package org.finetune4j.cli;

import java.util.concurrent.Callable;
import org.finetune4j.bench.Bench;
import org.finetune4j.runtime.Djl;
import org.finetune4j.task.PaymentsQuickstart;
import org.finetune4j.task.PretrainTinyBase;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code finetune4j} command: a thin front end over the library's recipes. */
@Command(name = "finetune4j", mixinStandardHelpOptions = true, version = "finetune4j 0.1.0",
        description = "Fine-tune Llama-family models with LoRA, QLoRA and other PEFT methods on the JVM.",
        subcommands = {PaymentsQuickstart.class, PretrainTinyBase.class, Bench.class, KernelCommand.class})
public final class Main implements Callable<Integer> {

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    public static void main(String[] args) {
        Djl.configure();
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
