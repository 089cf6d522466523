package org.finetune4j.tokenizer.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ByteLevelAlphabetTest {

    @Test
    void referenceExamplesFromGpt2Alphabet() {
        assertEquals('\u0120', ByteLevelAlphabet.toChar(0x20)); // space -> Ġ
        assertEquals('\u010A', ByteLevelAlphabet.toChar('\n')); // newline -> Ċ
        assertEquals('\u0121', ByteLevelAlphabet.toChar(0x7F));
        assertEquals('\u0143', ByteLevelAlphabet.toChar(0xAD));
        assertEquals('\u0100', ByteLevelAlphabet.toChar(0x00));
        assertEquals('A', ByteLevelAlphabet.toChar('A'));
        assertEquals('\u00FF', ByteLevelAlphabet.toChar(0xFF));
        assertEquals('\u00FF', ByteLevelAlphabet.toChar((byte) 0xFF)); // signed byte accepted
    }

    @Test
    void printableBytesKeepTheirCodePointAndTheOther68AreConsecutiveFromU0100() {
        int next = 0x100;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
            char expected = printable ? (char) b : (char) next++;
            assertEquals(expected, ByteLevelAlphabet.toChar(b), "byte " + b);
        }
        assertEquals(0x100 + 68, next);
    }

    @Test
    void mappingIsABijection() {
        Set<Character> seen = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            char c = ByteLevelAlphabet.toChar(b);
            assertTrue(seen.add(c));
            assertEquals(b, ByteLevelAlphabet.toByte(c));
        }
        assertEquals(-1, ByteLevelAlphabet.toByte(' '));
        assertEquals(-1, ByteLevelAlphabet.toByte('\u0144'));
    }

    @Test
    void encodeDecodeRoundTripOfAllBytes() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        String s = ByteLevelAlphabet.encode(all);
        assertEquals(256, s.length());
        assertArrayEquals(all, ByteLevelAlphabet.decode(s));
        assertEquals("Hello\u0120world\u010A", ByteLevelAlphabet.encode("Hello world\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void decodeRejectsCharactersOutsideTheAlphabetNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ByteLevelAlphabet.decode("ab c"));
        assertTrue(e.getMessage().contains("U+0020") && e.getMessage().contains("index 2"), e.getMessage());
    }
}
