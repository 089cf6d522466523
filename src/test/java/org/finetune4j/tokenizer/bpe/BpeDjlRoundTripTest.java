package org.finetune4j.tokenizer.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saves a trained tokenizer and loads it with the Rust {@code tokenizers} library through DJL: the
 * Rust encoder must produce exactly the ids of the Java reference encoder, and decode back the text.
 */
class BpeDjlRoundTripTest {
    private static final List<String> CHATML = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");

    @TempDir
    static Path dir;

    private static BpeModel model;
    private static HuggingFaceTokenizer djl;

    @BeforeAll
    static void trainSaveAndLoad() throws Exception {
        List<String> corpus = new ArrayList<>(SyntheticBilingualCorpus.sentences(3000, 11));
        corpus.addAll(SyntheticBilingualCorpus.syllableSentences(3000, 12));
        // Some multi-byte text so that merges also join UTF-8 continuation bytes.
        for (int i = 0; i < 20; i++) {
            corpus.add("Café ñandú — “quoted” 日本語のテキスト 😀😀 naïve façade ½ €100");
        }
        model = BpeTrainer.builder().setVocabSize(1000).optSpecialTokens(CHATML).optMinFrequency(2).build().train(corpus);
        model.save(dir, TokenizerFiles.chatMl());
        Djl.configure();
        djl = HuggingFaceTokenizer.newInstance(dir,
                Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
    }

    @AfterAll
    static void close() {
        if (djl != null) {
            djl.close();
        }
    }

    private static void assertSameAsDjl(String text) {
        long[] java = model.encode(text);
        long[] rust = djl.encode(text, false, false).getIds();
        assertArrayEquals(rust, java, () -> "ids differ for " + describe(text));
    }

    private static String describe(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(cp -> sb.append(cp >= 0x20 && cp < 0x7F ? Character.toString(cp) : String.format("\\u{%X}", cp)));
        return sb.append('"').toString();
    }

    @Test
    void trainedModelHasMerges() {
        assertEquals(1000, model.vocabSize());
        assertEquals(1000 - 3 - 256, model.merges().size()); // every merge made a new token here
        assertTrue(model.vocab().keySet().stream().anyMatch(t -> ByteLevelAlphabet.decode(t).length > 1
                && (ByteLevelAlphabet.decode(t)[0] & 0x80) != 0), "some merge joins UTF-8 bytes");
    }

    @Test
    void fixedCasesMatchDjlAndDecodeBack() {
        List<String> cases = List.of(
                "The customer bought new shoes at the market yesterday.",
                "Saya membeli beras di pasar kemarin seharga Rp 1.250.000!",
                "Ibu memesan tiket kereta -- she paid for it online, it's 250rb.",
                "Rp 1.250.000", "250rb", "$12.50", "3,14159",
                "Hello, world!!! (really?) [yes] {no} <tag/> a+b=c; x_y @home #1 ~50% ^_^",
                "I'M here, you're there, WE'VE done it, they'll see, he'd go, it's OK",
                "emoji 😀👍🏽 🇮🇩 ❤️ done",
                "line one\nline two\r\n\r\n   indented\ttab\t\t\n",
                "   leading and trailing   ",
                "",
                "<|im_start|>user\nBerapa harganya?<|im_end|>\n<|im_start|>assistant\nRp 50.000<|im_end|>\n",
                "text<|endoftext|>more text<|im_end|>",
                "日本語のテキスト und Ümlaute, façade, naïve, Ελληνικά, русский текст");
        for (String s : cases) {
            assertSameAsDjl(s);
            assertEquals(s, djl.decode(model.encode(s), false), () -> "DJL decode of " + describe(s));
            assertEquals(s, model.decode(djl.encode(s, false, false).getIds()), () -> "Java decode of " + describe(s));
        }
    }

    @Test
    void chatMlSpecialTokensAreSingleIds() {
        assertArrayEquals(new long[] {0}, djl.encode("<|endoftext|>", false, false).getIds());
        assertArrayEquals(new long[] {1}, djl.encode("<|im_start|>", false, false).getIds());
        assertArrayEquals(new long[] {2}, djl.encode("<|im_end|>", false, false).getIds());
        long[] ids = djl.encode("<|im_start|>assistant\n", false, false).getIds();
        assertEquals(1, ids[0]);
        // skipSpecialTokens drops them on decode, as for a HF special added token.
        assertEquals("assistant\n", djl.decode(ids, true));
    }

    @Test
    void randomBytesDecodedAsUtf8MatchDjl() {
        Random r = new Random(2024);
        for (int t = 0; t < 300; t++) {
            byte[] bytes = new byte[r.nextInt(60)];
            r.nextBytes(bytes);
            String s = new String(bytes, StandardCharsets.UTF_8); // invalid sequences -> U+FFFD
            assertSameAsDjl(s);
            assertEquals(s, djl.decode(model.encode(s), false));
        }
    }

    @Test
    void randomUnicodeStringsMatchDjl() {
        Random r = new Random(99);
        String frequent = " \n\r\t'0123456789.,-abcXYZ";
        for (int t = 0; t < 400; t++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(50);
            for (int i = 0; i < n; i++) {
                int kind = r.nextInt(4);
                if (kind == 0) {
                    sb.append(frequent.charAt(r.nextInt(frequent.length())));
                } else {
                    sb.appendCodePoint(randomAssignedCodePoint(r, kind == 1 ? 0x250 : kind == 2 ? 0x10000 : 0x20000));
                }
            }
            String s = sb.toString();
            assertSameAsDjl(s);
            assertEquals(s, djl.decode(model.encode(s), false), () -> "decode of " + describe(s));
        }
    }

    /**
     * A code point assigned in Java's Unicode version and not a surrogate. Unassigned code points are
     * avoided because the Rust regex engine may know a newer Unicode version than Java 17 does.
     */
    private static int randomAssignedCodePoint(Random r, int bound) {
        while (true) {
            int cp = r.nextInt(bound);
            if (Character.isDefined(cp) && Character.getType(cp) != Character.SURROGATE) {
                return cp;
            }
        }
    }

    @Test
    void longTextIsNotTruncated() {
        String s = String.join(" ", SyntheticBilingualCorpus.sentences(800, 5));
        long[] ids = djl.encode(s, false, false).getIds();
        assertTrue(ids.length > 2048, "length " + ids.length);
        assertArrayEquals(ids, model.encode(s));
    }
}
