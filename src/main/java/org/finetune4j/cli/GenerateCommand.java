package org.finetune4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.generate.ChatModel;
import org.finetune4j.generate.SamplingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code finetune4j generate --model DIR [--adapter DIR] [--system TEXT] --prompt TEXT [sampling] [--stream]}. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Answer one message with the model's chat template.",
            "Example: finetune4j generate --model data/models/tiny-base --adapter runs/lora/adapter"
                    + " --prompt \"tf 250rb ke budi besok\""})
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--system", paramLabel = "TEXT", description = "system message")
    String system;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "the user message")
    String prompt;

    @Option(names = "--stream", description = "print the reply token by token as it is generated")
    boolean stream;

    @Override
    public Integer call() throws Exception {
        modelOptions.check(spec);
        List<ChatMessage> conversation = new ArrayList<>();
        if (system != null) {
            conversation.add(ChatMessage.system(system));
        }
        conversation.add(ChatMessage.user(prompt));
        PrintWriter out = spec.commandLine().getOut();
        try (LoadedModel loaded = LoadedModel.open(modelOptions)) {
            ChatModel chat = sampling.applyDecoding(loaded.chat(), spec);
            SamplingConfig config = sampling.apply(chat.defaultSampling());
            if (stream) {
                chat.chatStream(conversation, config, piece -> {
                    out.print(piece);
                    out.flush();
                });
                out.println();
            } else {
                out.println(chat.chat(conversation, config));
            }
            out.flush();
        }
        return 0;
    }
}
