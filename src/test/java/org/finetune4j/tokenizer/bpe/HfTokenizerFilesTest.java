package org.finetune4j.tokenizer.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfTokenizerFilesTest {
    private static final List<String> CHATML = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static BpeModel train(List<String> corpus) {
        return BpeTrainer.builder().setVocabSize(600).optSpecialTokens(CHATML).optMinFrequency(2).build().train(corpus);
    }

    @Test
    void tokenizerJsonHasTheStandardHfLayout(@TempDir Path dir) throws Exception {
        BpeModel m = train(SyntheticBilingualCorpus.syllableSentences(500, 3));
        m.save(dir, TokenizerFiles.chatMl());
        JsonNode root = JSON.readTree(dir.resolve("tokenizer.json").toFile());
        assertEquals("1.0", root.get("version").asText());
        assertTrue(root.get("normalizer").isNull());
        JsonNode added = root.get("added_tokens");
        assertEquals(3, added.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(i, added.get(i).get("id").asInt());
            assertEquals(CHATML.get(i), added.get(i).get("content").asText());
            assertTrue(added.get(i).get("special").asBoolean());
        }
        JsonNode split = root.get("pre_tokenizer").get("pretokenizers").get(0);
        assertEquals(PreTokenizer.QWEN2_STYLE_PATTERN, split.get("pattern").get("Regex").asText());
        assertEquals("Isolated", split.get("behavior").asText());
        assertFalse(root.get("pre_tokenizer").get("pretokenizers").get(1).get("use_regex").asBoolean());
        JsonNode model = root.get("model");
        assertEquals("BPE", model.get("type").asText());
        assertEquals(m.vocabSize(), model.get("vocab").size());
        assertEquals(0, model.get("vocab").get("<|endoftext|>").asInt());
        assertEquals(3 + 0x20, model.get("vocab").get("\u0120").asInt());
        assertEquals(m.merges().size(), model.get("merges").size());
        JsonNode first = model.get("merges").get(0);
        assertEquals(m.merges().get(0).left(), first.get(0).asText());
        assertEquals(m.merges().get(0).right(), first.get(1).asText());
        // Every merge result is in the vocabulary, with the id the Java model gives it.
        for (BpeMerge merge : m.merges()) {
            assertEquals(m.tokenId(merge.merged()), model.get("vocab").get(merge.merged()).asInt());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("special_tokens_map.json", "tokenizer.json", "tokenizer_config.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList()); // no temp files left
        }
    }

    @Test
    void tokenizerConfigNamesTheChatMlRoles(@TempDir Path dir) throws Exception {
        train(List.of("halo dunia", "hello world")).save(dir, TokenizerFiles.chatMl());
        JsonNode cfg = JSON.readTree(dir.resolve("tokenizer_config.json").toFile());
        assertTrue(cfg.get("bos_token").isNull());
        assertEquals("<|im_end|>", cfg.get("eos_token").asText());
        assertEquals("<|endoftext|>", cfg.get("pad_token").asText());
        assertTrue(cfg.get("unk_token").isNull());
        assertFalse(cfg.get("add_bos_token").asBoolean());
        assertFalse(cfg.get("clean_up_tokenization_spaces").asBoolean());
        assertEquals("PreTrainedTokenizerFast", cfg.get("tokenizer_class").asText());
        assertEquals(2048, cfg.get("model_max_length").asInt());
        assertEquals("<|im_start|>", cfg.get("added_tokens_decoder").get("1").get("content").asText());
        assertTrue(cfg.get("added_tokens_decoder").get("2").get("special").asBoolean());
        JsonNode map = JSON.readTree(dir.resolve("special_tokens_map.json").toFile());
        assertEquals("<|im_end|>", map.get("eos_token").get("content").asText());
        assertFalse(map.has("bos_token"));
    }

    @Test
    void chatTemplateRendersChatMlWithJinjava() {
        Map<String, Object> ctx = Map.of(
                "messages", List.of(Map.of("role", "user", "content", "Berapa harganya?"),
                        Map.of("role", "assistant", "content", "Rp 50.000")),
                "add_generation_prompt", false);
        Jinjava jinjava = new Jinjava();
        String rendered = jinjava.render(TokenizerFiles.CHATML_TEMPLATE, ctx);
        assertEquals("<|im_start|>user\nBerapa harganya?<|im_end|>\n<|im_start|>assistant\nRp 50.000<|im_end|>\n", rendered);
        String prompt = jinjava.render(TokenizerFiles.CHATML_TEMPLATE, Map.of(
                "messages", List.of(Map.of("role", "user", "content", "Hi")), "add_generation_prompt", true));
        assertEquals("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", prompt);
    }

    @Test
    void sameCorpusGivesByteIdenticalFiles(@TempDir Path dir) throws Exception {
        List<String> corpus = SyntheticBilingualCorpus.syllableSentences(1500, 8);
        train(corpus).save(dir.resolve("a"), TokenizerFiles.chatMl());
        List<String> shuffled = new java.util.ArrayList<>(corpus);
        java.util.Collections.shuffle(shuffled, new java.util.Random(1));
        train(shuffled).save(dir.resolve("b"), TokenizerFiles.chatMl());
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)), Files.readAllBytes(dir.resolve("b").resolve(f)), f);
        }
    }

    @Test
    void savingOverAnExistingTokenizerReplacesIt(@TempDir Path dir) throws Exception {
        train(List.of("aaa bbb")).save(dir, TokenizerFiles.chatMl());
        BpeModel second = train(SyntheticBilingualCorpus.syllableSentences(300, 4));
        second.save(dir, TokenizerFiles.builder().optModelMaxLength(512).build());
        JsonNode root = JSON.readTree(dir.resolve("tokenizer.json").toFile());
        assertEquals(second.merges().size(), root.get("model").get("merges").size());
        assertEquals(512, JSON.readTree(dir.resolve("tokenizer_config.json").toFile()).get("model_max_length").asInt());
    }

    @Test
    void rolesMustBeSpecialTokens(@TempDir Path dir) {
        BpeModel m = train(List.of("x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.save(dir, TokenizerFiles.builder().optEosToken("</s>").build()));
        assertTrue(e.getMessage().contains("</s>"));
    }
}
