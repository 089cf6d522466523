package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AmountNormalizerTest {

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            250rb               | 250000     | IDR
            250 rb              | 250000     | IDR
            250 ribu            | 250000     | IDR
            250RB               | 250000     | IDR
            50 rebu             | 50000      | IDR
            50rbu               | 50000      | IDR
            1,5 juta            | 1500000    | IDR
            1.5jt               | 1500000    | IDR
            1,5jt               | 1500000    | IDR
            1,25 jt             | 1250000    | IDR
            2jt                 | 2000000    | IDR
            Rp 75.000           | 75000      | IDR
            Rp75.000            | 75000      | IDR
            Rp. 75.000          | 75000      | IDR
            rp75000             | 75000      | IDR
            75.000              | 75000      | IDR
            75000               | 75000      | IDR
            2,5k                | 2500       | IDR
            2.5k                | 2500       | IDR
            100K                | 100000     | IDR
            20 USD              | 20         | USD
            USD 20              | 20         | USD
            $12.50              | 12.5       | USD
            $12.5               | 12.5       | USD
            US$ 7               | 7          | USD
            12,50 USD           | 12.5       | USD
            $1,250              | 1250       | USD
            $1,250.75           | 1250.75    | USD
            1.250,75 USD        | 1250.75    | USD
            20 dollars          | 20         | USD
            20 dolar            | 20         | USD
            1.250.000           | 1250000    | IDR
            1,250,000           | 1250000    | IDR
            Rp1.250.000,50      | 1250000.5  | IDR
            2 juta 500 ribu     | 2500000    | IDR
            2jt 500rb           | 2500000    | IDR
            setengah juta       | 500000     | IDR
            sejuta              | 1000000    | IDR
            seratus ribu        | 100000     | IDR
            seribu              | 1000       | IDR
            dua ratus lima puluh ribu | 250000 | IDR
            satu setengah juta  | 1500000    | IDR
            dua belas ribu      | 12000      | IDR
            sebelas ribu        | 11000      | IDR
            tiga juta seratus ribu | 3100000 | IDR
            €15                 | 15         | EUR
            15 EUR              | 15         | EUR
            15 euro             | 15         | EUR
            SGD 40              | 40         | SGD
            S$40                | 40         | SGD
            RM50                | 50         | MYR
            50 ringgit          | 50         | MYR
            £20                 | 20         | GBP
            ¥1,000              | 1000       | JPY
            1000 yen            | 1000       | JPY
            A$30                | 30         | AUD
            goceng              | 5000       | IDR
            ceban               | 10000      | IDR
            gocap               | 50000      | IDR
            cepek               | 100        | IDR
            gopek               | 500        | IDR
            250.000 rupiah      | 250000     | IDR
            IDR 250,000         | 250000     | IDR
            1.500rb             | 1500000    | IDR
            1,5rb               | 1500       | IDR
            0.125               | 0.125      | IDR
            12.5                | 12.5       | IDR
            """)
    void parsesSurfaceForms(String surface, String amount, String currency) {
        Optional<Money> parsed = AmountNormalizer.parse(surface);
        assertTrue(parsed.isPresent(), () -> "not parsed: " + surface);
        assertEquals(new Money(new BigDecimal(amount), currency), parsed.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "budi", "ke budi", "1.25.000", "1,2,3", "rb", "juta", "dua", "ribu ribu",
            "250rb ke budi", "0", "Rp 0"})
    void rejectsTextThatIsNotExactlyOneAmount(String surface) {
        assertEquals(Optional.empty(), AmountNormalizer.parse(surface));
    }

    @Test
    void findsAmountsInsideMessages() {
        assertEquals(List.of(Money.of("250000", "IDR")), AmountNormalizer.findAll("tf 250rb ke budi bsk"));
        assertTrue(AmountNormalizer.findAll("bayar listrik PLN 1,5jt ya").contains(Money.of("1500000", "IDR")));
        assertTrue(AmountNormalizer.findAll("send 20 USD to Sarah on 3 Dec").contains(Money.of("20", "USD")));
        assertTrue(AmountNormalizer.findAll("kirimin goceng ke adek dong").contains(Money.of("5000", "IDR")));
        assertTrue(AmountNormalizer.findAll("minta seratus ribu ke Andi").contains(Money.of("100000", "IDR")));
        assertTrue(AmountNormalizer.findAll("cek saldo dong").isEmpty());
        // "ke" after a number is not the "k" multiplier
        assertEquals(List.of(Money.of("20", "IDR")), AmountNormalizer.findAll("20 ke budi"));
    }

    @Test
    void phoneNumbersAreNotAmountsAndLeaveTheCurrencyToTheAmountAfterThem() {
        assertEquals(List.of(Money.of("297.87", "SGD")),
                AmountNormalizer.findAll("Thursday send 08818916120 SGD 297.87 for rent"));
        assertEquals(List.of(Money.of("297.87", "SGD")), AmountNormalizer.findAll("send 0881 8916 120 SGD 297.87"));
        assertEquals(List.of(Money.of("50", "USD")), AmountNormalizer.findAll("0821-0913-54881 50 USD"));
        assertEquals(List.of(Money.of("50000", "IDR")), AmountNormalizer.findAll("send 0881-8916-120 50rb"));
        assertEquals(List.of(Money.of("100000", "IDR")),
                AmountNormalizer.findAll("pulsa 100k buat 0821 0913 54881 rabu"));
        assertEquals(List.of(Money.of("500000", "IDR")), AmountNormalizer.findAll("tf 0,5jt ke 0812 3456 7890"));
    }

    @Test
    void separatorRuleIsDocumentedRule() {
        assertEquals(new BigDecimal("75000"), AmountNormalizer.parseNumber("75.000").orElseThrow());
        assertEquals(new BigDecimal("1.5"), AmountNormalizer.parseNumber("1,5").orElseThrow());
        assertEquals(new BigDecimal("1250000.50"), AmountNormalizer.parseNumber("1.250.000,50").orElseThrow());
        assertEquals(new BigDecimal("1250000.50"), AmountNormalizer.parseNumber("1,250,000.50").orElseThrow());
        assertEquals(Optional.empty(), AmountNormalizer.parseNumber("12.34.5"));
        assertEquals(Optional.empty(), AmountNormalizer.parseNumber("1.000,000,5"));
    }
}
