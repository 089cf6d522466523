package org.finetune4j.data;

import static org.finetune4j.chat.ChatMessage.assistant;
import static org.finetune4j.chat.ChatMessage.system;
import static org.finetune4j.chat.ChatMessage.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.chat.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatDatasetReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String... lines) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return file;
    }

    private static ChatDatasetReader reader(BadLinePolicy policy) {
        return ChatDatasetReader.builder().optBadLinePolicy(policy).build();
    }

    @Test
    void openAiMessagesWithMetaWeightsAndLineNumbers() throws IOException {
        Path file = write("train.jsonl",
                "{\"messages\": [{\"role\": \"system\", \"content\": \"S\"}, {\"role\": \"user\", \"content\": \"Q\"},"
                        + " {\"role\": \"assistant\", \"content\": \"A\"}], \"meta\": {\"id\": 7}, \"tag\": \"x\"}",
                "",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"q1\"}, {\"role\": \"assistant\", \"content\": \"a1\", \"weight\": 0},"
                        + " {\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"q\"}, {\"type\": \"text\", \"text\": \"2\"}]},"
                        + " {\"role\": \"assistant\", \"content\": \"a2\", \"weight\": 1}]}");
        ReadResult result = reader(BadLinePolicy.FAIL).read(file);

        assertEquals(2, result.conversations().size());
        TrainingConversation first = result.conversations().get(0);
        assertEquals(List.of(system("S"), user("Q"), assistant("A")), first.conversation().messages());
        assertEquals(Map.of("meta", "{\"id\":7}", "tag", "x"), first.conversation().meta());
        assertEquals("train.jsonl:1", first.source());
        assertEquals(Set.of(), first.excludedTurns());

        TrainingConversation second = result.conversations().get(1);
        assertEquals("train.jsonl:3", second.source());
        assertEquals(List.of(user("q1"), assistant("a1"), user("q2"), assistant("a2")), second.conversation().messages());
        assertEquals(Set.of(1), second.excludedTurns());
        assertEquals(List.of(false, false, false, true), List.of(second.isTrained(0), second.isTrained(1),
                second.isTrained(2), second.isTrained(3)));

        assertEquals(new ReadReport("train.jsonl", DatasetFormat.OPENAI_MESSAGES, 3, 2, 0, List.of()), result.report());
    }

    @Test
    void shareGptWithDefaultAndCustomTags() throws IOException {
        Path file = write("sg.jsonl",
                "{\"conversations\": [{\"from\": \"human\", \"value\": \"Hi\"}, {\"from\": \"gpt\", \"value\": \"Hello!\"},"
                        + " {\"from\": \"human\", \"value\": \"Bye\"}, {\"from\": \"gpt\", \"value\": \"Bye!\"}],"
                        + " \"system\": \"Be brief.\", \"tools\": \"[]\"}",
                "{\"conversations\": [{\"from\": \"system\", \"value\": \"Sys\"}, {\"from\": \"human\", \"value\": \"Q\"},"
                        + " {\"from\": \"gpt\", \"value\": \"A\"}]}");
        ReadResult result = reader(BadLinePolicy.FAIL).read(file);
        assertEquals(DatasetFormat.SHAREGPT, result.report().format());
        assertEquals(List.of(system("Be brief."), user("Hi"), assistant("Hello!"), user("Bye"), assistant("Bye!")),
                result.conversations().get(0).conversation().messages());
        assertEquals(Map.of("tools", "[]"), result.conversations().get(0).conversation().meta());
        assertEquals(List.of(system("Sys"), user("Q"), assistant("A")), result.conversations().get(1).conversation().messages());

        Path custom = write("custom.jsonl",
                "{\"conversations\": [{\"role\": \"user\", \"content\": \"Q\"}, {\"role\": \"assistant\", \"content\": \"A\"}]}");
        ReadResult customResult = ChatDatasetReader.builder().optShareGptTags(ShareGptTags.openAiStyle()).build().read(custom);
        assertEquals(List.of(user("Q"), assistant("A")), customResult.conversations().get(0).conversation().messages());
    }

    @Test
    void alpacaBecomesMessages() throws IOException {
        Path file = write("alpaca.jsonl",
                "{\"instruction\": \"Summarize.\", \"input\": \"Long text\", \"output\": \"Short.\", \"id\": 3}",
                "{\"instruction\": \"Say hi.\", \"input\": \"\", \"output\": \"Hi.\", \"system\": \"Be nice.\","
                        + " \"history\": [[\"q0\", \"a0\"]]}");
        ReadResult result = reader(BadLinePolicy.FAIL).read(file);
        assertEquals(DatasetFormat.ALPACA, result.report().format());
        assertEquals(List.of(user("Summarize.\nLong text"), assistant("Short.")),
                result.conversations().get(0).conversation().messages());
        assertEquals(Map.of("id", "3"), result.conversations().get(0).conversation().meta());
        assertEquals(List.of(system("Be nice."), user("q0"), assistant("a0"), user("Say hi."), assistant("Hi.")),
                result.conversations().get(1).conversation().messages());
    }

    private static final String GOOD =
            "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"content\": \"a\"}]}";

    /** Each bad line and the exact message it must produce (after the "bad.jsonl:2: " prefix). */
    private static final List<String[]> BAD_LINES = List.of(
            new String[] {"{\"messages\": [", "not valid JSON: "},
            new String[] {"[1, 2]", "expected a JSON object, found an array"},
            new String[] {"{\"messages\": \"hi\"}", "\"messages\" is a string; expected an array"},
            new String[] {"{\"messages\": [{\"role\": \"bot\", \"content\": \"x\"}]}",
                "messages[0]: unknown chat role 'bot'; expected one of system, user, assistant, tool"},
            new String[] {"{\"messages\": [{\"role\": \"user\"}]}", "messages[0]: content is missing"},
            new String[] {"{\"messages\": [{\"role\": \"user\", \"content\": \" \"}, {\"role\": \"assistant\", \"content\": \"a\"}]}",
                "messages[0] (user) has empty content"},
            new String[] {"{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}]}", "no assistant turn"},
            new String[] {"{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"content\": \"a\"},"
                    + " {\"role\": \"user\", \"content\": \"q2\"}]}",
                "the last message is user; a training example must end with an assistant turn"},
            new String[] {"{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"user\", \"content\": \"q2\"},"
                    + " {\"role\": \"assistant\", \"content\": \"a\"}]}",
                "messages[1] (user) follows user; roles must alternate user/assistant after an optional system message"},
            new String[] {"{\"messages\": [{\"role\": \"assistant\", \"content\": \"a\"}]}",
                "messages[0] (assistant) follows the start; roles must alternate user/assistant after an optional system message"},
            new String[] {"{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"system\", \"content\": \"s\"},"
                    + " {\"role\": \"assistant\", \"content\": \"a\"}]}",
                "messages[1] is a system message; only the first message may be one"},
            new String[] {"{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"content\": \"a\", \"weight\": 0.5}]}",
                "messages[1]: \"weight\" must be 0 or 1, found 0.5"},
            new String[] {"{\"messages\": [{\"role\": \"user\", \"content\": \"q\", \"weight\": 1}, {\"role\": \"assistant\", \"content\": \"a\"}]}",
                "messages[0]: \"weight\" is only allowed on assistant messages"},
            new String[] {"{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"content\": \"a\", \"weight\": 0}]}",
                "every assistant turn has weight 0; nothing to learn"},
            new String[] {GOOD + " {}", "not valid JSON: "});

    @Test
    void failPolicyNamesFileLineAndProblem() throws IOException {
        for (String[] bad : BAD_LINES) {
            Path file = write("bad.jsonl", GOOD, bad[0], GOOD);
            DatasetException e = assertThrows(DatasetException.class, () -> reader(BadLinePolicy.FAIL).read(file), bad[0]);
            String expected = "bad.jsonl:2: " + bad[1];
            if (bad[1].endsWith(": ")) {
                assertTrue(e.getMessage().startsWith(expected), e.getMessage());
            } else {
                assertEquals(expected, e.getMessage());
            }
        }
    }

    @Test
    void skipPolicyCountsBadLinesAndKeepsTheFirstReasons() throws IOException {
        String[] lines = new String[BAD_LINES.size() + 2];
        lines[0] = GOOD;
        for (int i = 0; i < BAD_LINES.size(); i++) {
            lines[i + 1] = BAD_LINES.get(i)[0];
        }
        lines[lines.length - 1] = GOOD;
        ReadResult result = reader(BadLinePolicy.SKIP).read(write("bad.jsonl", lines));

        ReadReport report = result.report();
        assertEquals(lines.length, report.linesRead());
        assertEquals(2, report.conversations());
        assertEquals(BAD_LINES.size(), report.skipped());
        assertEquals(ReadReport.MAX_REASONS, report.skipReasons().size());
        assertEquals("bad.jsonl:3: expected a JSON object, found an array", report.skipReasons().get(1));
        assertEquals("bad.jsonl:" + lines.length, result.conversations().get(1).source());
    }

    @Test
    void shareGptAndAlpacaProblems() throws IOException {
        Path sg = write("sg.jsonl",
                "{\"conversations\": [{\"from\": \"human\", \"value\": \"Hi\"}, {\"from\": \"gpt\", \"value\": \"Hello\"}]}",
                "{\"conversations\": [{\"from\": \"robot\", \"value\": \"Hi\"}]}");
        DatasetException e = assertThrows(DatasetException.class, () -> reader(BadLinePolicy.FAIL).read(sg));
        assertEquals("sg.jsonl:2: conversations[0]: unknown speaker 'robot'; expected one of human, gpt, system, "
                + "observation, function_call", e.getMessage());

        Path alpaca = write("al.jsonl", "{\"instruction\": \"Do.\", \"output\": \"Done.\"}", "{\"instruction\": \"Do.\"}");
        e = assertThrows(DatasetException.class, () -> reader(BadLinePolicy.FAIL).read(alpaca));
        assertEquals("al.jsonl:2: \"output\" is missing; expected a string", e.getMessage());
    }

    @Test
    void invalidUtf8IsABadLineWithItsNumber() throws IOException {
        Path file = dir.resolve("bytes.jsonl");
        byte[] good = (GOOD + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] bad = {'{', '"', 'x', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'};
        byte[] all = new byte[good.length * 2 + bad.length];
        System.arraycopy(good, 0, all, 0, good.length);
        System.arraycopy(bad, 0, all, good.length, bad.length);
        System.arraycopy(good, 0, all, good.length + bad.length, good.length);
        Files.write(file, all);
        DatasetException e = assertThrows(DatasetException.class, () -> reader(BadLinePolicy.FAIL).read(file));
        assertEquals("bytes.jsonl:2: not valid UTF-8", e.getMessage());
        assertEquals(2, reader(BadLinePolicy.SKIP).read(file).conversations().size());
    }

    @Test
    void formatDetectionAndForcedFormat() throws IOException {
        Path unknown = write("u.jsonl", "", "{\"text\": \"plain\"}");
        DatasetException e = assertThrows(DatasetException.class, () -> reader(BadLinePolicy.SKIP).read(unknown));
        assertTrue(e.getMessage().startsWith("u.jsonl:2: cannot detect the dataset format"), e.getMessage());

        Path openAi = write("o.jsonl", GOOD);
        e = assertThrows(DatasetException.class,
                () -> ChatDatasetReader.builder().optFormat(DatasetFormat.ALPACA).build().read(openAi));
        assertEquals("o.jsonl:1: \"instruction\" is missing; expected a string", e.getMessage());

        Path crlf = dir.resolve("crlf.jsonl");
        Files.writeString(crlf, "\uFEFF" + GOOD + "\r\n" + GOOD + "\r\n", StandardCharsets.UTF_8);
        ReadResult result = reader(BadLinePolicy.FAIL).read(crlf);
        assertEquals(2, result.conversations().size());
        ChatMessage last = result.conversations().get(1).conversation().messages().get(1);
        assertEquals(new ChatMessage(Role.ASSISTANT, "a"), last);
    }

    @Test
    void toolResultsMayFollowAnAssistantTurn() throws IOException {
        Path file = write("tools.jsonl", "{\"messages\": [{\"role\": \"user\", \"content\": \"pay\"},"
                + " {\"role\": \"assistant\", \"content\": \"call pay()\"}, {\"role\": \"tool\", \"content\": \"ok\"},"
                + " {\"role\": \"assistant\", \"content\": \"Paid.\"}]}");
        assertEquals(Role.TOOL, reader(BadLinePolicy.FAIL).read(file).conversations().get(0).conversation().messages()
                .get(2).role());
    }
}
