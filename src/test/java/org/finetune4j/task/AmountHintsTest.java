package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.finetune4j.chat.ChatMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AmountHintsTest {
    private static final LocalDate TODAY = LocalDate.parse("2024-12-03");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "tf 250rb ke budi bsk | 250000 | IDR",
        "bayar listrik PLN 1,5jt | 1500000 | IDR",
        "send 20 USD to Sarah on 3 Dec | 20 | USD",
        "Collect SGD 1,303.82 from Bayu on the 25th | 1303.82 | SGD",          // not 25, not 1
        "25 september pulsa ceban buat 0838764429070 | 10000 | IDR",          // not 25, not the phone number
        "18/10 lunasin wifi MyRepublic sebesar Rp 611.589 dong | 611589 | IDR",
        "july 2, 2026 load 790,000 rupiah into shopeepay | 790000 | IDR",
        "Kamis depan tf ke 0881 7322 472 sebesar Rp5.000 lewat OVO | 5000 | IDR",
        "lunasin tagihan IndiHome sebesar 1714k dong 5 hari lagi | 1714000 | IDR",
        "kirim 4 juta 550 ribu ke Hendra | 4550000 | IDR",
        "PULSA DUA PULUH LIMA RIBU BUAT 08213038991 HARI MINGGU DEPAN | 25000 | IDR",
        "on the 27th collect rm1744 from rina | 1744 | MYR",
        "Collect £1468 from Grace the day after tomorrow | 1468 | GBP",
        "wite 315 yen over to Ilham | 315 | JPY",
        "cek saldo dong | | ",
        "bayar PLN tgl 5 | | ",                                              // 5 is the date
        "tf ke 0812 3456 7890 besok | | ",
    })
    void findsTheAmountOutsideTheDateAndThePhoneNumber(String message, String amount, String currency) {
        Optional<Money> want = amount == null ? Optional.empty()
                : Optional.of(new Money(new BigDecimal(amount), currency));
        assertEquals(want, AmountHints.find(message, TODAY), message);
    }

    @Test
    void theHintGoesOnItsOwnLineAfterTheDateLine() {
        List<ChatMessage> conv = List.of(ChatMessage.system(TaskPrompts.jsonSystemPrompt(TODAY)),
                ChatMessage.user("tf 1,5jt ke budi besok"));
        List<ChatMessage> hinted = AmountHints.withHint(DateHints.withHint(conv));
        assertEquals(TaskPrompts.jsonSystemPrompt(TODAY) + "\n\"date\":\"2024-12-04\"\n"
                + "\"amount\":1500000,\"currency\":\"IDR\"", hinted.get(0).content());
        assertEquals(TODAY, TaskPrompts.referenceDate(hinted.get(0).content()), "the reference line still reads back");
        assertEquals("\"amount\":12.5,\"currency\":\"USD\"",
                AmountHints.line(Money.of("12.50", "USD")));

        List<ChatMessage> noAmount = List.of(conv.get(0), ChatMessage.user("cek saldo dong"));
        assertSame(noAmount, AmountHints.withHint(noAmount));
        List<ChatMessage> noReference = List.of(ChatMessage.system("Reply in JSON."), conv.get(1));
        assertSame(noReference, AmountHints.withHint(noReference));
    }

    /** The hand-written examples were not generated: every amount of theirs is found, and none where there is none. */
    @Test
    void findsEveryAmountOfTheHandWrittenExamples() {
        List<String> wrong = new ArrayList<>();
        int withAmount = 0;
        for (PaymentSample s : PaymentJsonl.read(Path.of("data/task/examples.jsonl"))) {
            Optional<Money> want = Optional.ofNullable(s.gold().money());
            if (want.isPresent()) {
                withAmount++;
            }
            Optional<Money> found = AmountHints.find(s.userMessage(), s.referenceDate());
            if (!found.equals(want)) {
                wrong.add(s.userMessage() + " -> " + found + ", gold " + want);
            }
        }
        assertTrue(withAmount >= 60, "examples with an amount: " + withAmount);
        assertEquals(List.of(), wrong);
    }
}
