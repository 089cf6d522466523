package org.finetune4j.tokenizer;

import static org.finetune4j.chat.ChatMessage.assistant;
import static org.finetune4j.chat.ChatMessage.system;
import static org.finetune4j.chat.ChatMessage.user;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.finetune4j.chat.ChatMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the real Rust tokenizer (through DJL) on the hand-made byte-level BPE in
 * src/test/resources/tiny-tokenizer: ids 0-255 are the 256 bytes, then 16 merges, then the added
 * tokens {@code <|endoftext|>}=272, {@code <|im_start|>}=273, {@code <|im_end|>}=274, {@code <s>}=275.
 */
class HfTokenizerTest {
    private static final long BOS = 275;
    private static HfTokenizer tokenizer;

    static Path tinyDir() {
        try {
            return Path.of(HfTokenizerTest.class.getResource("/tiny-tokenizer/tokenizer.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void load() throws IOException {
        tokenizer = HfTokenizer.load(tinyDir());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "The quick brown fox jumps over the lazy dog.",
        "Selamat pagi! Saya sedang belajar bahasa Indonesia dan makan nasi goreng.",
        "日本語のテキスト, emoji 🦊🗾👩‍👩‍👧, combining é (e\u0301), NBSP\u00a0, tab\t, nul \u0000, CR\r\n, 𝔘𝔫𝔦",
        "  leading and trailing spaces  ",
        ""
    })
    void decodeInvertsEncode(String text) {
        long[] ids = tokenizer.encode(text, false);
        assertEquals(text, tokenizer.decode(ids, false));
        assertEquals(text.isEmpty(), ids.length == 0);
    }

    @Test
    void bpeAppliesMergesInRankOrder() {
        // "and the": GPT-2 split gives "and" and " the". "and" -> a n d -> merge (a,n) -> [an, d]
        // (the merge (Ġan, d) needs a leading space). " the" -> Ġ t h e -> (Ġ,t) -> (h,e) -> (Ġt,he) -> [Ġthe].
        long[] expected = {id("an"), id("d"), id("Ġthe")};
        assertArrayEquals(expected, tokenizer.encode("and the", false));
        // " and" uses the space-prefixed merges: Ġ a n d -> (Ġ,a)? no: (a,n) has a lower rank than (Ġ,a)
        // -> Ġ an d; (Ġ,an) is no merge; so [Ġ, an, d].
        assertArrayEquals(new long[] {id("Ġ"), id("an"), id("d")}, tokenizer.encode(" and", false));
        // An unmerged 4-byte character is four byte tokens: 🦊 = F0 9F A6 8A.
        long[] fox = tokenizer.encode("🦊", false);
        assertEquals(4, fox.length);
        assertEquals("🦊", tokenizer.decode(fox, false));
    }

    @Test
    void specialTokensInTextAreSingleIds() {
        long[] ids = tokenizer.encode("<|im_start|>user\nHi<|im_end|>", false);
        assertEquals(273, ids[0]);
        assertEquals(274, ids[ids.length - 1]);
        assertEquals(OptionalLong.of(273), tokenizer.tokenId("<|im_start|>"));
        assertEquals("<|im_end|>", tokenizer.token(274));
        assertEquals("user\nHi", tokenizer.decode(ids, true));
        assertEquals("<|im_start|>user\nHi<|im_end|>", tokenizer.decode(ids, false));
    }

    @Test
    void addSpecialTokensPrependsBosFromPostProcessor() {
        long[] plain = tokenizer.encode("hello", false);
        long[] withBos = tokenizer.encode("hello", true);
        assertEquals(plain.length + 1, withBos.length);
        assertEquals(BOS, withBos[0]);
        assertArrayEquals(plain, Arrays.copyOfRange(withBos, 1, withBos.length));
    }

    @Test
    void longTextIsNeitherTruncatedNorPadded() {
        String text = "x ".repeat(3000); // DJL's default would truncate at 512 tokens
        long[] ids = tokenizer.encode(text, false);
        assertTrue(ids.length > 512, "length " + ids.length);
        assertEquals(text, tokenizer.decode(ids, false));
    }

    @Test
    void vocabularyAndSpecialTokens() {
        assertEquals(276, tokenizer.vocabSize());
        assertEquals(OptionalLong.of(32), tokenizer.tokenId("Ġ")); // byte 0x20 in the byte-level alphabet
        assertEquals(OptionalLong.of(10), tokenizer.tokenId("Ċ")); // byte 0x0A
        assertEquals(OptionalLong.empty(), tokenizer.tokenId("no-such-token"));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.token(9999));
        assertEquals(Optional.of("<s>"), tokenizer.bosToken());
        assertEquals(Optional.of("<|im_end|>"), tokenizer.eosToken());
        assertEquals(Optional.of("<|endoftext|>"), tokenizer.padToken());
        assertEquals(OptionalLong.of(BOS), tokenizer.bosTokenId());
        assertEquals(OptionalLong.of(274), tokenizer.eosTokenId());
        assertEquals(OptionalLong.of(272), tokenizer.padTokenId());
        assertEquals(Set.of(272L, 273L, 274L, 275L), tokenizer.specialTokenIds());
        assertEquals(2048L, tokenizer.config().modelMaxLength());
    }

    @Test
    void applyChatTemplateDoesNotDoubleBos() {
        List<ChatMessage> chat = List.of(system("Be brief."), user("Halo!"), assistant("Hai."));
        String rendered = tokenizer.renderChatTemplate(chat, true, java.util.Map.of());
        assertEquals("<s><|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHalo!<|im_end|>\n"
                + "<|im_start|>assistant\nHai.<|im_end|>\n<|im_start|>assistant\n", rendered);
        long[] ids = tokenizer.applyChatTemplate(chat, true);
        assertEquals(BOS, ids[0]);
        assertEquals(273, ids[1]);
        assertEquals(1, Arrays.stream(ids).filter(i -> i == BOS).count());
        assertArrayEquals(tokenizer.encode(rendered, false), ids);
        assertEquals(rendered, tokenizer.decode(ids, false));
        // The gotcha the method avoids: special-token insertion on top of the template's BOS.
        long[] doubled = tokenizer.encode(rendered, true);
        assertEquals(BOS, doubled[1]);
    }

    @Test
    void streamingDecoderEmitsCompleteCharactersOnly() {
        String text = "Halo é 日本 🦊! <|im_end|>";
        long[] ids = tokenizer.encode(text, false);
        StreamingDecoder stream = tokenizer.streamingDecoder(false);
        StringBuilder joined = new StringBuilder();
        int emptyPushes = 0;
        for (long id : ids) {
            String piece = stream.push(id);
            assertFalse(piece.contains("\uFFFD"), "half character emitted: " + piece);
            if (piece.isEmpty()) {
                emptyPushes++;
            }
            joined.append(piece);
        }
        joined.append(stream.flush());
        assertEquals(tokenizer.decode(ids, false), joined.toString());
        assertEquals(text, joined.toString());
        // é needs 2 byte tokens, 日 and 本 3 each, 🦊 4: 1 + 2 + 2 + 3 tokens are held back.
        assertEquals(8, emptyPushes);
        assertArrayEquals(ids, stream.ids());
    }

    @Test
    void streamingDecoderEmitsACharacterWhenItsLastByteArrives() {
        long[] ids = tokenizer.encode("é", false); // C3 A9
        assertEquals(2, ids.length);
        StreamingDecoder stream = tokenizer.streamingDecoder(true);
        assertEquals("", stream.push(ids[0]));
        assertEquals("é", stream.push(ids[1]));
        assertEquals("", stream.flush());
        StreamingDecoder cut = tokenizer.streamingDecoder(true);
        assertEquals("", cut.push(ids[0]));
        assertEquals("\uFFFD", cut.flush()); // an incomplete character at the end decodes like HF: U+FFFD
    }

    @Test
    void chatTemplateFileOverridesConfigAndMissingTemplateIsAnError(@TempDir Path dir) throws IOException {
        Files.copy(tinyDir().resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": null, \"eos_token\": \"<|im_end|>\"}");
        try (HfTokenizer base = HfTokenizer.load(dir)) {
            assertFalse(base.hasChatTemplate());
            IllegalStateException e = assertThrows(IllegalStateException.class, base::chatTemplate);
            assertTrue(e.getMessage().contains("chat_template.jinja"), e.getMessage());
            assertEquals(Optional.empty(), base.bosToken());
        }
        Files.writeString(dir.resolve("chat_template.jinja"), "{% for m in messages %}{{ m.content }}{{ eos_token }}{% endfor %}\n",
                StandardCharsets.UTF_8);
        try (HfTokenizer chat = HfTokenizer.load(dir)) {
            long[] ids = chat.applyChatTemplate(List.of(user("hi")), false);
            assertEquals("hi<|im_end|>", chat.decode(ids, false));
            assertEquals(274, ids[ids.length - 1]);
        }
    }

    @Test
    void missingTokenizerJsonNamesTheDirectory(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> HfTokenizer.load(dir));
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void cleanUpTokenizationSpacesMatchesTransformers() {
        assertEquals("Hello, world! It's fine. Isn't it? I'm sure we're done.",
                HfTokenizer.cleanUpTokenizationSpaces("Hello , world ! It 's fine . Is n't it ? I 'm sure we 're done ."));
    }

    private static long id(String token) {
        return tokenizer.tokenId(token).orElseThrow(() -> new AssertionError("no token " + token));
    }
}
