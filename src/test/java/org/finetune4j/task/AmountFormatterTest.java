package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AmountFormatterTest {

    private static final String[] FOREIGN = {"USD", "EUR", "SGD", "MYR", "JPY", "AUD", "GBP"};

    @Test
    void everyRupiahFormParsesBackToTheGold() {
        Random r = new Random(7);
        for (int i = 0; i < 1500; i++) {
            long a = switch (i % 4) {
                case 0 -> (1 + r.nextInt(999)) * 1_000L;                 // 1rb..999rb
                case 1 -> (1 + r.nextInt(2_000)) * 10_000L;              // up to 20 jt, often x,yz jt
                case 2 -> 1 + r.nextInt(5_000_000);                      // arbitrary rupiah
                default -> (1 + r.nextInt(999_999)) * 1_000L;            // up to ~1 billion
            };
            assertAllFormsParse(new Money(BigDecimal.valueOf(a), "IDR"));
        }
    }

    @Test
    void everyForeignFormParsesBackToTheGold() {
        Random r = new Random(11);
        for (int i = 0; i < 1500; i++) {
            BigDecimal a = BigDecimal.valueOf(1 + r.nextInt(500_000), r.nextInt(3)); // 0, 1 or 2 decimals
            assertAllFormsParse(new Money(a, FOREIGN[r.nextInt(FOREIGN.length)]));
        }
    }

    @Test
    void indonesianWordsAreCorrect() {
        assertEquals("dua juta lima ratus ribu", AmountFormatter.words(2_500_000));
        assertEquals("seratus dua belas ribu", AmountFormatter.words(112_000));
        assertEquals("sejuta seribu", AmountFormatter.words(1_001_000));
        assertEquals("sembilan ratus sembilan puluh sembilan juta sebelas ribu", AmountFormatter.words(999_011_000));
    }

    @Test
    void renderIsSeededAndAmongTheForms() {
        Money m = Money.of("250000", "IDR");
        String a = AmountFormatter.render(m, Language.ID, new Random(3));
        assertEquals(a, AmountFormatter.render(m, Language.ID, new Random(3)));
        assertTrue(AmountFormatter.forms(m, Language.ID).contains(a));
        assertTrue(AmountFormatter.forms(m, Language.ID).contains("250rb"));
        assertTrue(AmountFormatter.forms(m, Language.ID).contains("Rp250.000"));
    }

    @Test
    void refusesAmountsItCannotWriteUnambiguously() {
        assertThrows(IllegalArgumentException.class,
                () -> AmountFormatter.forms(Money.of("1.125", "USD"), Language.EN));
        assertThrows(IllegalArgumentException.class,
                () -> AmountFormatter.forms(Money.of("1000.5", "IDR"), Language.ID));
    }

    private static void assertAllFormsParse(Money gold) {
        for (Language lang : Language.values()) {
            List<String> forms = AmountFormatter.forms(gold, lang);
            for (String form : forms) {
                assertEquals(Optional.of(gold), AmountNormalizer.parse(form), () -> "form '" + form + "' of " + gold);
                // also inside a sentence, as the generator uses it
                String sentence = "tolong kirim " + form + " ke Budi ya";
                assertTrue(AmountNormalizer.findAll(sentence).contains(gold), () -> sentence + " / " + gold);
            }
        }
    }
}
