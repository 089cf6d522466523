package org.finetune4j.rag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.data.Conversation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetrievalConfigTest {
    private static final String SYSTEM = "Payments assistant. Reply with only JSON.";

    @TempDir
    Path tmp;

    private static String line(String user, String intent, String template) {
        return "{\"messages\":[{\"role\":\"system\",\"content\":\"" + SYSTEM + "\"},{\"role\":\"user\",\"content\":\""
                + user + "\"},{\"role\":\"assistant\",\"content\":\"{\\\"intent\\\":\\\"" + intent + "\\\"}\"}],"
                + "\"meta\":{\"template\":\"" + template + "\"},\"source\":\"gen\"}";
    }

    private Path examples() throws IOException {
        return Files.write(tmp.resolve("train.jsonl"), List.of(
                line("cek saldo gopay dong", "check_balance", "balance.0"),
                line("cek saldo ovo dong", "check_balance", "balance.0"),
                line("saldo gw berapa ya", "check_balance", "balance.1"),
                line("bayar tagihan PLN 100rb", "pay_bill", "bill.0")));
    }

    private static final RetrievalConfig CONFIG =
            new RetrievalConfig("train.jsonl", "meta.template", "Similar:", "intent", 1);

    private static List<ChatMessage> prompt(String user) {
        return List.of(ChatMessage.system(SYSTEM), ChatMessage.user(user));
    }

    @Test
    void savedAndLoadedItPromptsAsTheConfigItWasSavedFrom() throws IOException {
        Path source = examples();
        RetrievalAugmentation fresh = CONFIG.open(tmp);
        Path model = tmp.resolve("model");
        CONFIG.saveTo(model, source);
        assertEquals(Files.readString(source), Files.readString(model.resolve(RetrievalConfig.EXAMPLES_FILE_NAME)));
        RetrievalConfig saved = RetrievalConfig.find(model).orElseThrow();
        assertEquals(new RetrievalConfig(RetrievalConfig.EXAMPLES_FILE_NAME, "meta.template", "Similar:", "intent", 1),
                saved);
        Files.delete(source); // the saved directory is self-contained
        RetrievalAugmentation loaded = RetrievalConfig.load(model).orElseThrow();
        for (String user : List.of("cek saldo dana dong", "bayar PLN 50rb", "halo")) {
            assertEquals(fresh.forPrompt(prompt(user)), loaded.forPrompt(prompt(user)), user);
        }
        assertEquals(SYSTEM + "\nSimilar: bayar tagihan PLN 100rb = pay_bill",
                loaded.forPrompt(prompt("bayar PLN 50rb")).get(0).content());
        // copied on, e.g. into a merged model, it still works
        Path merged = tmp.resolve("merged");
        RetrievalConfig.copy(model, merged);
        assertEquals(loaded.forPrompt(prompt("cek saldo")),
                RetrievalConfig.load(merged).orElseThrow().forPrompt(prompt("cek saldo")));
        fresh.retriever().close();
        loaded.retriever().close();
    }

    @Test
    void aVotingConfigIsSavedWithItsVote() throws IOException {
        Path source = examples();
        RetrievalConfig vote = new RetrievalConfig("train.jsonl", "meta.template", "Mirip:", "intent", 3, true);
        Path model = tmp.resolve("model");
        vote.saveTo(model, source);
        assertEquals(new RetrievalConfig(RetrievalConfig.EXAMPLES_FILE_NAME, "meta.template", "Mirip:", "intent", 3,
                true), RetrievalConfig.find(model).orElseThrow());
        RetrievalAugmentation loaded = RetrievalConfig.load(model).orElseThrow();
        // the three nearest of "cek saldo dana dong" are the balance checks: one line, their intent
        assertEquals(SYSTEM + "\nMirip: check_balance",
                loaded.forPrompt(prompt("cek saldo dana dong")).get(0).content());
        loaded.retriever().close();
        assertThrows(IllegalArgumentException.class, () -> new RetrievalConfig("x", null, "h", null, 1, true));
        assertFalse(new RetrievalConfig("x", null, "h", "intent", 1, null).vote());
        assertFalse(vote.pinUnanimous(), "a config written without the option does not pin");
    }

    @Test
    void aPinningVoteIsSavedWithItsPinAndTheLoadedAugmentationPins() throws IOException {
        Path source = examples();
        RetrievalConfig pin = new RetrievalConfig("train.jsonl", "meta.template", "Mirip:", "intent", 3, true, true);
        Path model = tmp.resolve("model");
        pin.saveTo(model, source);
        assertTrue(Files.readString(model.resolve(RetrievalConfig.FILE_NAME)).contains("\"pin_unanimous\" : true"));
        assertEquals(new RetrievalConfig(RetrievalConfig.EXAMPLES_FILE_NAME, "meta.template", "Mirip:", "intent", 3,
                true, true), RetrievalConfig.find(model).orElseThrow());
        RetrievalAugmentation loaded = RetrievalConfig.load(model).orElseThrow();
        assertTrue(loaded.pinsUnanimous());
        assertEquals(Map.of("intent", "check_balance"), loaded.pins(prompt("cek saldo dana dong")));
        loaded.retriever().close();
        IllegalArgumentException noVote = assertThrows(IllegalArgumentException.class,
                () -> new RetrievalConfig("x", null, "h", "intent", 1, false, true));
        assertTrue(noVote.getMessage().contains("pin_unanimous"), noVote.getMessage());
    }

    @Test
    void aDirectoryWithoutAConfigHasNoRetrieval() throws IOException {
        assertFalse(RetrievalConfig.find(tmp).isPresent());
        assertFalse(RetrievalConfig.load(tmp).isPresent());
        RetrievalConfig.copy(tmp, tmp.resolve("other")); // nothing to copy, nothing written
        assertFalse(Files.exists(tmp.resolve("other").resolve(RetrievalConfig.FILE_NAME)));
    }

    @Test
    void groupsComeFromATopLevelKeyOrAPathIntoAJsonValue() {
        Conversation c = new Conversation(List.of(), Map.of("meta", "{\"template\":\"t.1\",\"n\":{\"k\":3}}",
                "source", "gen"), "f.jsonl:7");
        assertEquals("t.1", CONFIG.group(c));
        assertEquals("gen", new RetrievalConfig("x", "source", "h", null, 1).group(c));
        assertEquals("3", new RetrievalConfig("x", "meta.n.k", "h", null, 1).group(c));
        assertEquals("", new RetrievalConfig("x", "meta.missing", "h", null, 1).group(c));
        assertEquals("", new RetrievalConfig("x", null, "h", null, 1).group(c));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RetrievalConfig("x", "source.sub", "h", null, 1).group(c));
        assertTrue(e.getMessage().startsWith("f.jsonl:7"), e.getMessage());
    }

    @Test
    void trainingExamplesAreGroupedByTheKey() throws IOException {
        List<SolvedExample> read = CONFIG.readExamples(examples());
        assertEquals(List.of("balance.0", "balance.0", "balance.1", "bill.0"),
                read.stream().map(SolvedExample::group).toList());
        assertEquals("saldo gw berapa ya", read.get(2).message());
    }

    @Test
    void badConfigsAndMissingExamplesAreNamed() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(dir.resolve(RetrievalConfig.FILE_NAME), "{\"examples\": \"e.jsonl\", \"header\": \"h\","
                + " \"examples_per_prompt\": 1, \"colour\": \"red\"}");
        IOException unknown = assertThrows(IOException.class, () -> RetrievalConfig.find(dir));
        assertTrue(unknown.getMessage().contains(RetrievalConfig.FILE_NAME) && unknown.getMessage().contains("colour"),
                unknown.getMessage());
        Files.writeString(dir.resolve(RetrievalConfig.FILE_NAME), "{\"examples\": \"e.jsonl\", \"header\": \"h\","
                + " \"group_key\": null, \"answer_field\": null, \"examples_per_prompt\": 0}");
        IOException zero = assertThrows(IOException.class, () -> RetrievalConfig.find(dir));
        assertTrue(zero.getMessage().contains("examples_per_prompt must be >= 1"), zero.getMessage());
        Files.writeString(dir.resolve(RetrievalConfig.FILE_NAME), "{\"examples\": ");
        assertThrows(IOException.class, () -> RetrievalConfig.find(dir));
        Files.writeString(dir.resolve(RetrievalConfig.FILE_NAME), "{\"examples\": \"e.jsonl\", \"header\": \"h\","
                + " \"group_key\": null, \"answer_field\": null, \"examples_per_prompt\": 1}");
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> RetrievalConfig.load(dir));
        assertTrue(missing.getMessage().contains("e.jsonl"), missing.getMessage());
    }
}
