package org.finetune4j.rag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExampleRetrieverTest {
    private static final List<SolvedExample> EXAMPLES = List.of(
            new SolvedExample("tf 250rb ke budi besok", "{\"intent\":\"transfer\"}", "transfer.id.0"),
            new SolvedExample("bayar tagihan listrik PLN 1,5jt", "{\"intent\":\"pay_bill\"}", "pay_bill.id.0"),
            new SolvedExample("cek saldo gopay dong", "{\"intent\":\"check_balance\"}", "check_balance.id.0"),
            new SolvedExample("lihat riwayat transaksi bulan ini", "{\"intent\":\"transaction_history\"}",
                    "transaction_history.id.0"),
            new SolvedExample("top up ovo 100rb", "{\"intent\":\"top_up\"}", "top_up.id.0"),
            new SolvedExample("pay my PLN bill please", "{\"intent\":\"pay_bill\"}", "pay_bill.en.0"));

    @Test
    void normalisingLowerCasesFoldsDigitsAndSplitsLettersFromDigits() {
        assertEquals("tf 000 rb ke budi", ExampleRetriever.normalise("TF 250rb ke Budi!"));
        assertEquals("a 000 00 to grace", ExampleRetriever.normalise("A$748.01 to Grace"));
        assertEquals("i'd like", ExampleRetriever.normalise("  I'd   like  "));
        assertEquals("", ExampleRetriever.normalise("?! ..."));
    }

    @Test
    void aMisspeltMessageFindsItsNeighbourThroughTrigrams() {
        try (ExampleRetriever r = ExampleRetriever.of(EXAMPLES)) {
            // no whole word in common with "lihat riwayat transaksi bulan ini" except by trigram
            List<RetrievedExample> hits = r.search("liaht riwyat transaksii", 1);
            assertEquals(3, hits.get(0).index());
            assertEquals("cek saldo gopay dong", r.search("CEK SLDO GOPAY", 1).get(0).example().message());
        }
    }

    @Test
    void digitsDoNotDecideTheMatch() {
        try (ExampleRetriever r = ExampleRetriever.of(EXAMPLES)) {
            // the same amount digits as the transfer, the words of the top-up
            assertEquals(4, r.search("top up ovo 250rb", 1).get(0).index());
        }
    }

    @Test
    void hitsComeBestFirstWithFallingScoresAndSkippedOnesLeftOut() {
        try (ExampleRetriever r = ExampleRetriever.of(EXAMPLES)) {
            List<RetrievedExample> all = r.search("please pay the PLN bill", 6);
            assertEquals(5, all.get(0).index());
            assertEquals(1, all.get(1).index());
            for (int i = 1; i < all.size(); i++) {
                assertTrue(all.get(i - 1).score() >= all.get(i).score());
            }
            List<RetrievedExample> skipped = r.search("please pay the PLN bill", 1,
                    h -> h.example().group().startsWith("pay_bill.en"));
            assertEquals(1, skipped.get(0).index());
            assertEquals(List.of(), r.search("please pay the PLN bill", 3, h -> true));
        }
    }

    @Test
    void searchingOthersLeavesOutTheGroupAndTheSameMessageAndAgreesWithTheFilteredSearch() {
        try (ExampleRetriever r = ExampleRetriever.of(EXAMPLES)) {
            for (SolvedExample e : EXAMPLES) {
                for (String group : List.of(e.group(), "")) {
                    List<RetrievedExample> others = r.searchOthers(e.message(), 3, group);
                    List<RetrievedExample> filtered = r.search(e.message(), 3, h -> h.example().message()
                            .equals(e.message()) || (!group.isEmpty() && h.example().group().equals(group)));
                    assertEquals(filtered.stream().map(RetrievedExample::index).toList(),
                            others.stream().map(RetrievedExample::index).toList(), e.message());
                    assertTrue(others.stream().noneMatch(h -> h.example().message().equals(e.message())));
                }
            }
            // "pay my PLN bill please" without its own group still finds the other PLN bill
            assertEquals(1, r.searchOthers("pay my PLN bill please", 1, "pay_bill.en.0").get(0).index());
            assertEquals(List.of(), r.searchOthers("?!", 1, "x"));
        }
    }

    @Test
    void aMessageWithNothingToMatchFindsNothing() {
        try (ExampleRetriever r = ExampleRetriever.of(EXAMPLES)) {
            assertEquals(List.of(), r.search("?!", 3));
            assertEquals(List.of(), r.search("xyzzy qqq", 3));
        }
    }

    @Test
    void badArgumentsAreRefusedWithAReason() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> ExampleRetriever.of(List.of()));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        try (ExampleRetriever r = ExampleRetriever.of(EXAMPLES)) {
            assertThrows(IllegalArgumentException.class, () -> r.search("saldo", 0));
        }
    }

    @Test
    void aLongMessageStaysUnderLucenesClauseLimit() {
        try (ExampleRetriever r = ExampleRetriever.of(EXAMPLES)) {
            // 400 distinct words and over a thousand distinct trigrams: past the cap, later terms are dropped
            StringBuilder sb = new StringBuilder("cek saldo gopay dong");
            for (int i = 0; i < 400; i++) {
                sb.append(" qq").append((char) ('a' + i % 26)).append((char) ('a' + i / 26 % 26));
            }
            assertEquals(2, r.search(sb.toString(), 1).get(0).index());
        }
    }
}
