package org.finetune4j.tokenizer.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copy-friendly pre-tokenizer: pieces, identity of a word inside a message and inside a JSON string,
 * and the Rust {@code tokenizers} library (through DJL) encoding exactly as the Java encoder.
 */
class CopyFriendlyPreTokenizerTest {
    private static final PreTokenizer PRE = PreTokenizer.copyFriendly();

    @TempDir
    static Path dir;

    private static BpeModel model;
    private static HuggingFaceTokenizer djl;

    @BeforeAll
    static void trainSaveAndLoad() throws Exception {
        List<String> corpus = new ArrayList<>(SyntheticBilingualCorpus.sentences(3000, 11));
        corpus.addAll(SyntheticBilingualCorpus.syllableSentences(3000, 12));
        for (int i = 0; i < 50; i++) {
            corpus.add("tf 250rb ke Budi besok\n{\"intent\":\"transfer\",\"recipient\":\"Budi\",\"note\":null}");
        }
        model = BpeTrainer.builder().setVocabSize(1000).optSpecialTokens(List.of("<|endoftext|>", "<|im_start|>",
                "<|im_end|>")).optMinFrequency(2).optPreTokenizer(PRE).build().train(corpus);
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

    @Test
    void wordsStandAloneWhateverPrecedesThem() {
        assertEquals(List.of("ke", " ", "Budi", " ", "besok"), PRE.split("ke Budi besok"));
        assertEquals(List.of("{\"", "recipient", "\":\"", "Budi", "\"}"), PRE.split("{\"recipient\":\"Budi\"}"));
        assertEquals(List.of("Rp", " ", "1", ".", "2", "5", "0"), PRE.split("Rp 1.250"));
        // a whitespace run leaves its last space as a piece of its own; punctuation takes trailing newlines
        assertEquals(List.of("it", "'s", " ", "a", "   ", " ", "(", "x", ")\n\n"), PRE.split("it's a    (x)\n\n"));
    }

    /** The point of the pattern: a name's ids in a message reappear unchanged in the JSON answer. */
    @Test
    void aNameHasTheSameIdsInAMessageAndInJson() {
        for (String name : List.of("Budi", "Hendra", "Melati", "Xyzzyq")) {
            long[] alone = djl.encode(name, false, false).getIds();
            long[] message = djl.encode("tf 250rb ke " + name + " besok", false, false).getIds();
            long[] json = djl.encode("{\"recipient\":\"" + name + "\"}", false, false).getIds();
            assertTrue(contains(message, alone), name + " in the message");
            assertTrue(contains(json, alone), name + " in the JSON");
        }
    }

    @Test
    void rustEncoderMatchesJavaAndDecodesBack() {
        Random r = new Random(5);
        List<String> cases = new ArrayList<>(List.of("Saya membeli beras di pasar kemarin seharga Rp 1.250.000!",
                "I'M here, you're there", "line one\nline two\r\n\r\n   indented\ttab\t\t\n", "   lead  ", "",
                "<|im_start|>user\nkirim 20 USD ke Sarah<|im_end|>\n", "emoji 😀👍🏽 🇮🇩 café naïve"));
        for (int t = 0; t < 200; t++) {
            byte[] bytes = new byte[r.nextInt(50)];
            r.nextBytes(bytes);
            cases.add(new String(bytes, StandardCharsets.UTF_8));
        }
        for (String s : cases) {
            assertArrayEquals(djl.encode(s, false, false).getIds(), model.encode(s), s);
            assertEquals(s, djl.decode(model.encode(s), false));
        }
    }

    private static boolean contains(long[] haystack, long[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(Arrays.copyOfRange(haystack, i, i + needle.length), needle)) {
                return true;
            }
        }
        return false;
    }
}
