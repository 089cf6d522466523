package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class PaymentRequestTest {

    @Test
    void writesTheCanonicalCompactForm() {
        PaymentRequest r = new PaymentRequest(Intent.TRANSFER, new BigDecimal("250000.00"), "IDR", "Budi", null,
                LocalDate.of(2024, 12, 3), "makan siang");
        assertEquals("{\"intent\":\"transfer\",\"amount\":250000,\"currency\":\"IDR\",\"recipient\":\"Budi\","
                + "\"provider\":null,\"date\":\"2024-12-03\",\"note\":\"makan siang\"}", r.toJson());
        PaymentRequest usd = new PaymentRequest(Intent.TRANSFER, new BigDecimal("12.50"), "USD", "Sarah", null, null, null);
        assertTrue(usd.toJson().contains("\"amount\":12.5,"), usd.toJson());
        assertEquals("{\"intent\":\"unknown\",\"amount\":null,\"currency\":null,\"recipient\":null,"
                + "\"provider\":null,\"date\":null,\"note\":null}", PaymentRequest.unknown().toJson());
    }

    @Test
    void roundTripsAndIgnoresKeyOrder() {
        PaymentRequest r = new PaymentRequest(Intent.PAY_BILL, new BigDecimal("1500000"), "IDR", null, "PLN",
                LocalDate.of(2025, 1, 5), null);
        assertEquals(r, PaymentRequest.fromJson(r.toJson()));
        String shuffled = "{\"note\":null,\"date\":\"2025-01-05\",\"provider\":\"PLN\",\"recipient\":null,"
                + "\"currency\":\"IDR\",\"amount\":1.5E+6,\"intent\":\"pay_bill\"}";
        assertEquals(r, PaymentRequest.fromJson(shuffled));
        assertEquals(r.toJson(), PaymentRequest.fromJson(shuffled).toJson());
    }

    @Test
    void rejectsMalformedAnswersNamingTheField() {
        String ok = PaymentRequest.unknown().toJson();
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> PaymentRequest.fromJson(ok.replace("}", ",\"x\":1}"))).getMessage().contains("'x'"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> PaymentRequest.fromJson(ok.replace(",\"note\":null", ""))).getMessage().contains("'note'"));
        assertThrows(IllegalArgumentException.class, () -> PaymentRequest.fromJson(ok + " {}"));
        assertThrows(IllegalArgumentException.class, () -> PaymentRequest.fromJson("```json\n" + ok + "\n```"));
        assertThrows(IllegalArgumentException.class, () -> PaymentRequest.fromJson(ok.replace("unknown", "pay")));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PaymentRequest.fromJson(
                "{\"intent\":\"transfer\",\"amount\":\"5\",\"currency\":\"IDR\",\"recipient\":null,"
                        + "\"provider\":null,\"date\":null,\"note\":null}")).getMessage().contains("'amount'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PaymentRequest.fromJson(
                "{\"intent\":\"transfer\",\"amount\":5,\"currency\":\"IDR\",\"recipient\":null,"
                        + "\"provider\":null,\"date\":\"2024-02-30\",\"note\":null}")).getMessage().contains("'date'"));
    }

    @Test
    void enforcesFieldInvariants() {
        assertThrows(IllegalArgumentException.class,
                () -> new PaymentRequest(Intent.TRANSFER, BigDecimal.TEN, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new PaymentRequest(Intent.UNKNOWN, null, null, "Budi", null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new PaymentRequest(Intent.TRANSFER, BigDecimal.ZERO, "IDR", null, null, null, null));
        assertEquals(Intent.PAY_BILL, Intent.fromWire("pay_bill"));
        assertThrows(IllegalArgumentException.class, () -> Intent.fromWire("PAY_BILL"));
    }

    @Test
    void systemPromptCarriesTheReferenceDate() {
        LocalDate d = LocalDate.of(2025, 3, 9);
        String p = TaskPrompts.jsonSystemPrompt(d);
        assertTrue(p.endsWith("Tanggal referensi / reference date: 2025-03-09 (Minggu / Sunday)"), p);
        assertTrue(p.contains("JSON"));
        assertEquals(d, TaskPrompts.referenceDate(p));
        assertEquals(d, TaskPrompts.referenceDate(TaskPrompts.proseSystemPrompt(d)));
        assertTrue(!TaskPrompts.proseSystemPrompt(d).contains("JSON"));
        assertThrows(IllegalArgumentException.class, () -> TaskPrompts.referenceDate("no date here"));
    }
}
