package org.finetune4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerConfigTest {

    @Test
    void readsStringAndAddedTokenFormsAndIgnoresUnknownKeys() throws IOException {
        TokenizerConfig c = TokenizerConfig.read(HfTokenizerTest.tinyDir());
        assertEquals("<s>", c.bosToken()); // written as {"__type": "AddedToken", "content": "<s>", ...}
        assertEquals("<|im_end|>", c.eosToken());
        assertEquals("<|endoftext|>", c.padToken());
        assertNull(c.unkToken());
        assertEquals(Boolean.TRUE, c.addBosToken());
        assertEquals(Boolean.FALSE, c.addEosToken());
        assertEquals(Boolean.FALSE, c.cleanUpTokenizationSpaces());
        assertEquals(2048L, c.modelMaxLength());
        assertEquals(4, c.addedTokensDecoder().size());
        TokenizerConfig.AddedToken imStart = c.addedTokensDecoder().get(273L);
        assertEquals(new TokenizerConfig.AddedToken("<|im_start|>", true, false, false, false, false), imStart);
        assertTrue(c.chatTemplate().startsWith("{{ bos_token }}{% for message in messages %}"));
    }

    @Test
    void picksTheDefaultOfNamedTemplatesAndClampsHugeMaxLength(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": ["
                + "{\"name\": \"tool_use\", \"template\": \"T\"}, {\"name\": \"default\", \"template\": \"D\"}],"
                + "\"model_max_length\": 1000000000000000019884624838656}");
        TokenizerConfig c = TokenizerConfig.read(dir);
        assertEquals("D", c.chatTemplate());
        assertEquals(Long.MAX_VALUE, c.modelMaxLength());
        assertNull(c.bosToken());
    }

    @Test
    void chatTemplateJinjaFileIsUsed(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
        Files.writeString(dir.resolve("chat_template.jinja"), "{{ messages }}");
        assertEquals("{{ messages }}", TokenizerConfig.read(dir).chatTemplate());
    }

    @Test
    void missingFileGivesEmptyConfig(@TempDir Path dir) throws IOException {
        assertEquals(TokenizerConfig.empty(), TokenizerConfig.read(dir));
    }

    @Test
    void malformedFilesAreReportedWithTheirPath(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tokenizer_config.json");
        Files.writeString(file, "{\"bos_token\": \"<s>\",\n \"eos_token\": }");
        IOException e = assertThrows(IOException.class, () -> TokenizerConfig.read(dir));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("line 2"), e.getMessage());

        Files.writeString(file, "{\"bos_token\": 42}");
        e = assertThrows(IOException.class, () -> TokenizerConfig.read(dir));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("special token"), e.getMessage());

        Files.writeString(file, "{\"chat_template\": [{\"name\": \"rag\", \"template\": \"x\"}]}");
        e = assertThrows(IOException.class, () -> TokenizerConfig.read(dir));
        assertTrue(e.getMessage().contains("default"), e.getMessage());
    }
}
