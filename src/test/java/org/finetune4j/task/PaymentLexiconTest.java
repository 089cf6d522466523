package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PaymentLexiconTest {

    /**
     * Made-up names are capitalised words that never collide with a real name of either split or with a word the
     * data uses for something else, and they vary in shape (vowel onsets, clusters, English-like endings) so that a
     * model cannot learn to write them from a few syllable patterns instead of copying them.
     */
    @Test
    void syntheticNamesAreVariedAndNeverAReservedWord() {
        Random r = new Random(3);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            names.add(PaymentLexicon.syntheticName(r));
        }
        for (String n : names) {
            assertTrue(n.matches("[A-Z][a-z]{2,}"), n);
            assertFalse(PaymentLexicon.isReservedWord(n), n);
        }
        Set<String> distinct = new HashSet<>(names);
        assertTrue(distinct.size() > 1800, distinct.size() + " distinct of 2000");
        long vowelInitial = names.stream().filter(n -> "AEIOU".indexOf(n.charAt(0)) >= 0).count();
        long cluster = names.stream().filter(n -> n.matches("(Br|Gr|Kr|Ch|Sh|St|Fr|Cl|Sr|Tr|Pr|Ny).*")).count();
        assertTrue(vowelInitial > 150 && cluster > 300, vowelInitial + " vowel-initial, " + cluster + " clusters");
    }

    @Test
    void reservedWordsAreComparedWithoutCase() {
        assertTrue(PaymentLexicon.isReservedWord("dana"));
        assertTrue(PaymentLexicon.isReservedWord("BUDI"));
        assertTrue(PaymentLexicon.isReservedWord("Mbak"));
        assertFalse(PaymentLexicon.isReservedWord("Briace"));
    }
}
