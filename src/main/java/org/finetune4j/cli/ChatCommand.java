package org.finetune4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.generate.ChatModel;
import org.finetune4j.generate.constraint.JsonSchemaConstraint;
import org.finetune4j.generate.constraint.SavedDecoding;
import org.finetune4j.generate.SamplingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finetune4j chat --model DIR [--adapter DIR] [--system TEXT]}: a conversation on standard input. Every
 * reply streams as it is generated and joins the history; {@code /reset} clears the history (the system message
 * stays), {@code /exit} or end of input ends the session.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {"Talk to a model on the terminal; /reset clears the history, /exit quits.",
            "Example: finetune4j chat --model data/models/tiny-base --adapter runs/lora/adapter"})
public final class ChatCommand implements Callable<Integer> {
    static final String RESET = "/reset";
    static final String EXIT = "/exit";
    static final String PROMPT = "> ";

    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--system", paramLabel = "TEXT", description = "system message kept for the whole session")
    String system;

    /** Where the user's lines come from (standard input; replaced in tests). */
    InputStream input = System.in;

    @Override
    public Integer call() throws Exception {
        modelOptions.check(spec);
        PrintWriter out = spec.commandLine().getOut();
        try (LoadedModel loaded = LoadedModel.open(modelOptions)) {
            ChatModel chat = sampling.applyDecoding(loaded.chat(), spec);
            SamplingConfig config = sampling.apply(chat.defaultSampling());
            loaded.prompting().ifPresent(p -> out.println("prompts as the model was trained: " + p + " (from "
                    + loaded.promptingDir() + ")"));
            if (chat.decodingConstraint() instanceof JsonSchemaConstraint c) {
                out.println("answers constrained as evaluated: " + SavedDecoding.describe(c));
            }
            converse(chat, config, new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8)), out);
        }
        return 0;
    }

    private void converse(ChatModel chat, SamplingConfig config, BufferedReader in, PrintWriter out)
            throws IOException {
        List<ChatMessage> history = fresh();
        out.println("chat with " + modelOptions.model + (modelOptions.adapter == null ? ""
                : " + " + modelOptions.adapter) + "; " + RESET + " clears the history, " + EXIT + " quits");
        while (true) {
            out.print(PROMPT);
            out.flush();
            String line = in.readLine();
            if (line == null || line.strip().equals(EXIT)) {
                break;
            }
            String text = line.strip();
            if (text.isEmpty()) {
                continue;
            }
            if (text.equals(RESET)) {
                history = fresh();
                out.println("(history cleared)");
                continue;
            }
            history.add(ChatMessage.user(text));
            String reply = chat.chatStream(history, config, piece -> {
                out.print(piece);
                out.flush();
            });
            out.println();
            history.add(ChatMessage.assistant(reply));
        }
        out.println();
        out.flush();
    }

    private List<ChatMessage> fresh() {
        List<ChatMessage> history = new ArrayList<>();
        if (system != null) {
            history.add(ChatMessage.system(system));
        }
        return history;
    }
}
