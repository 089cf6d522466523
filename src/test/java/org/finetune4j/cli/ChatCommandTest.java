package org.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.config.GenerationConfig;
import org.finetune4j.generate.ChatModel;
import org.finetune4j.generate.SamplingConfig;
import org.finetune4j.model.PretrainedModel;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.finetune4j.tokenizer.HfTokenizer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ChatCommandTest {
    @Test
    void keepsTheHistoryUntilResetAndStopsAtExit() throws IOException {
        String u1 = "tf 10rb ke budi";
        String u2 = "bayar listrik";
        ChatCommand command = new ChatCommand();
        command.input = new ByteArrayInputStream((u1 + "\n" + u2 + "\n\n/reset\n" + u2 + "\n/exit\nnever read\n")
                .getBytes(StandardCharsets.UTF_8));
        CommandLine cli = Main.configure(new CommandLine(command));
        CliFixtures.Run run = CliFixtures.run(cli, "--model", CliFixtures.modelDir().toString(), "--system",
                CliFixtures.SYSTEM, "--max-new-tokens", "6");
        assertEquals(0, run.exitCode(), run.toString());

        String r1;
        String r2;
        String r3;
        try (NDManager m = Djl.engine().newBaseManager(); HfTokenizer tok = HfTokenizer.load(CliFixtures.modelDir())) {
            ChatModel chat = new ChatModel(PretrainedModel.load(CliFixtures.modelDir(), m, DevicePolicy.cpu()), tok,
                    GenerationConfig.read(CliFixtures.modelDir()));
            SamplingConfig s = chat.defaultSampling().toBuilder().optMaxNewTokens(6).build();
            List<ChatMessage> history = new ArrayList<>(List.of(ChatMessage.system(CliFixtures.SYSTEM),
                    ChatMessage.user(u1)));
            r1 = chat.chat(history, s);
            history.add(ChatMessage.assistant(r1));
            history.add(ChatMessage.user(u2));
            r2 = chat.chat(history, s);
            r3 = chat.chat(List.of(ChatMessage.system(CliFixtures.SYSTEM), ChatMessage.user(u2)), s);
        }
        String nl = System.lineSeparator();
        String header = run.out().substring(0, run.out().indexOf(nl) + nl.length());
        String expected = header + "> " + r1 + nl + "> " + r2 + nl + "> " + "> (history cleared)" + nl
                + "> " + r3 + nl + "> " + nl;
        assertEquals(expected, run.out());
    }
}
