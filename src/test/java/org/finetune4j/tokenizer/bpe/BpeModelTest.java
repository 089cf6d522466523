package org.finetune4j.tokenizer.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BpeModelTest {
    private static final List<String> SPECIALS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");
    private static final String SPACE = "\u0120";

    /** A hand-made model: merges h+e, he+l, l+o, Ġ+w. */
    private static BpeModel handMade() {
        return new BpeModel(SPECIALS, List.of(
                new BpeMerge("h", "e"), new BpeMerge("he", "l"), new BpeMerge("l", "o"), new BpeMerge(SPACE, "w")),
                PreTokenizer.standard());
    }

    @Test
    void idsAreSpecialsThenBytesThenMerges() {
        BpeModel m = handMade();
        assertEquals(3 + 256 + 4, m.vocabSize());
        assertEquals(0, m.tokenId("<|endoftext|>"));
        assertEquals(3, m.tokenId("\u0100")); // byte 0x00
        assertEquals(3 + 0x20, m.tokenId(SPACE));
        assertEquals(259, m.tokenId("he"));
        assertEquals(262, m.tokenId(SPACE + "w"));
        assertEquals("hel", m.token(260));
        assertEquals(-1, m.tokenId("xyz"));
    }

    @Test
    void mergesApplyByRankNotByPosition() {
        BpeModel m = handMade();
        // "hello": h e l l o -> (h,e) rank 0 -> he l l o -> (he,l) rank 1 -> hel l o -> (l,o) rank 2 -> hel lo
        assertArrayEquals(new long[] {260, 261}, m.encode("hello"));
        // " world": Ġ w o r l d -> Ġw o r l d
        long[] expected = {262, 3 + 'o', 3 + 'r', 3 + 'l', 3 + 'd'};
        assertArrayEquals(expected, m.encode(" world"));
    }

    @Test
    void specialTokensInTextBecomeSingleIds() {
        BpeModel m = handMade();
        long[] ids = m.encode("<|im_start|>user\nhello<|im_end|>\n");
        assertArrayEquals(new long[] {1, 3 + 'u', 3 + 's', 3 + 'e', 3 + 'r', 3 + '\n', 260, 261, 2, 3 + '\n'}, ids);
    }

    @Test
    void decodeInvertsEncodeIncludingSpecialTokensAndMultibyteText() {
        BpeModel m = handMade();
        for (String s : List.of("hello world", "Harga Rp 1.250.000, terima kasih!", "<|im_start|>x<|im_end|>",
                "emoji \uD83D\uDE00 and ç", "\n\n\t  ")) {
            assertEquals(s, m.decode(m.encode(s)));
        }
    }

    @Test
    void decodeReplacesInvalidUtf8AndRejectsUnknownIds() {
        BpeModel m = handMade();
        assertEquals("a\uFFFDb", m.decode(new long[] {3 + 'a', 3 + 0xC3, 3 + 'b'})); // lone lead byte
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.decode(new long[] {9999}));
        assertTrue(e.getMessage().contains("9999"));
    }

    @Test
    void rejectsInconsistentMerges() {
        assertThrows(IllegalArgumentException.class,
                () -> new BpeModel(SPECIALS, List.of(new BpeMerge("he", "l")), PreTokenizer.standard()));
        assertThrows(IllegalArgumentException.class, () -> new BpeModel(SPECIALS,
                List.of(new BpeMerge("a", "b"), new BpeMerge("a", "b")), PreTokenizer.standard()));
        assertThrows(IllegalArgumentException.class,
                () -> new BpeModel(List.of("a"), List.of(), PreTokenizer.standard()));
    }
}
