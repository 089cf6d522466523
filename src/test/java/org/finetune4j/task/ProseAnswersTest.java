package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class ProseAnswersTest {

    @Test
    void confirmsInTheMessageLanguageWithTheIsoDate() {
        PaymentRequest r = new PaymentRequest(Intent.TRANSFER, new BigDecimal("250000"), "IDR", "Budi", null,
                LocalDate.of(2024, 12, 3), "makan siang");
        assertEquals("Baik, transfer Rp250.000 ke Budi pada 2024-12-03 untuk makan siang.",
                ProseAnswers.confirm(r, Language.ID));
        assertEquals("Sure, sending IDR 250,000 to Budi on 2024-12-03 for makan siang.",
                ProseAnswers.confirm(r, Language.EN));
    }

    @Test
    void writesEveryDatedGoldAnswersDateAsInTheJson() {
        // the prose date is the JSON date, character for character, so pretraining teaches the form fine-tuning needs
        int dated = 0;
        for (PaymentSample s : new PaymentDataGenerator(7).generate(Split.TRAIN, 400)) {
            if (s.gold().date() != null) {
                dated++;
                String iso = s.gold().date().toString();
                assertTrue(s.proseAnswer().contains(" " + iso), s.proseAnswer());
                assertTrue(s.gold().toJson().contains("\"date\":\"" + iso + "\""), s.gold().toJson());
            }
        }
        assertTrue(dated > 50, "only " + dated + " dated samples");
    }

    @Test
    void answersWithoutADateOrARequestHaveNoDate() {
        PaymentRequest r = new PaymentRequest(Intent.CHECK_BALANCE, null, null, null, "GoPay", null, null);
        assertEquals("Baik, saya cek saldo GoPay kamu.", ProseAnswers.confirm(r, Language.ID));
        assertEquals("Sorry, I can only help with payments.", ProseAnswers.confirm(PaymentRequest.unknown(), Language.EN));
    }
}
