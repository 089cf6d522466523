package org.finetune4j.tokenizer.bpe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PreTokenizerTest {
    private final PreTokenizer pre = PreTokenizer.standard();

    @Test
    void wordsKeepTheirLeadingSpaceAndContractionsSplitOff() {
        assertEquals(List.of("Hello", " world", "'s", " end", "."), pre.split("Hello world's end."));
        assertEquals(List.of("I", "'LL", " go"), pre.split("I'LL go")); // contractions are case-insensitive
    }

    @Test
    void digitsAreSingleAndPunctuationRunsTakeOneLeadingSpace() {
        assertEquals(List.of("Rp", " ", "1", ".", "2", "5", "0", ".", "0", "0", "0"), pre.split("Rp 1.250.000"));
        assertEquals(List.of("2", "5", "0", "rb"), pre.split("250rb"));
        assertEquals(List.of("a", " (!)", " b", " ,.\n\n"), pre.split("a (!) b ,.\n\n"));
    }

    @Test
    void whitespaceRunsLeaveTheLastSpaceToTheNextWordAndNewlinesGroup() {
        assertEquals(List.of("x", "\n\n", " ", " foo"), pre.split("x\n\n  foo"));
        assertEquals(List.of("a", "   ", " b", "  "), pre.split("a    b  "));
        assertEquals(List.of("<|", "im", "_start", "|>", "user", "\n", "Hi"), pre.split("<|im_start|>user\nHi"));
    }

    @Test
    void unicodeLettersAndWhitespaceFollowUnicodeClasses() {
        // "é" and "ü" are letters; U+3000 (ideographic space) is a non-letter that leads a word like a space
        // does, and U+2003 (em space) counts as whitespace in a run.
        assertEquals(List.of("café", "\u3000über"), pre.split("café\u3000über"));
        assertEquals(List.of("a", "\u2003\u2003", " b"), pre.split("a\u2003\u2003 b"));
    }

    @Test
    void piecesAlwaysConcatenateToTheInput() {
        Random r = new Random(7);
        for (int t = 0; t < 200; t++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(40);
            for (int i = 0; i < n; i++) {
                sb.appendCodePoint(r.nextInt(4) == 0 ? " \n\t'.1a".charAt(r.nextInt(7)) : 0x20 + r.nextInt(0x3000));
            }
            String s = sb.toString();
            assertEquals(s, String.join("", pre.split(s)));
        }
    }

    @Test
    void rejectsARegexThatMatchesNothing() {
        assertThrows(IllegalArgumentException.class, () -> new PreTokenizer("a*"));
    }
}
