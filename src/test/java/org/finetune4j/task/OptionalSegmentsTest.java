package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OptionalSegmentsTest {
    private static final String TRANSFER = "tf {amount} ke {recipient}[ {date}][ buat {note}]";

    @Test
    void everyOutcomeKeepsTheFixedWordsInOrderAndEachKeptSegmentOnce() {
        Map<String, Integer> seen = new HashMap<>();
        Random r = new Random(1);
        for (int i = 0; i < 4000; i++) {
            String s = OptionalSegments.realise(TRANSFER, r);
            seen.merge(s, 1, Integer::sum);
            assertTrue(s.indexOf("tf {amount} ke {recipient}") >= 0, s);
            assertFalse(s.startsWith(" ") || s.endsWith(" ") || s.contains("  "), "'" + s + "'");
        }
        // 4 keep/drop outcomes, then the moves: date last, date first, note before date, both moved
        assertEquals(java.util.Set.of("tf {amount} ke {recipient}",
                "tf {amount} ke {recipient} {date}", "{date} tf {amount} ke {recipient}",
                "tf {amount} ke {recipient} buat {note}",
                "tf {amount} ke {recipient} {date} buat {note}", "tf {amount} ke {recipient} buat {note} {date}",
                "{date} tf {amount} ke {recipient} buat {note}"), seen.keySet());
        int n = 4000;
        // kept with probability 1/2 each; a kept date moves to the front a quarter of the time
        double dateFirst = seen.getOrDefault("{date} tf {amount} ke {recipient}", 0)
                + seen.getOrDefault("{date} tf {amount} ke {recipient} buat {note}", 0);
        assertEquals(0.5 * OptionalSegments.DATE_MOVE_PERCENT / 100.0, dateFirst / n, 0.03);
        double swapped = seen.getOrDefault("tf {amount} ke {recipient} buat {note} {date}", 0);
        assertEquals(0.25 * OptionalSegments.SWAP_PERCENT / 100.0 * (1 - OptionalSegments.DATE_MOVE_PERCENT / 100.0),
                swapped / n, 0.02);
    }

    @Test
    void aLeadingDateMayMoveToTheEndAndCommaSegmentsStayPut() {
        Map<String, Integer> seen = new HashMap<>();
        Random r = new Random(2);
        for (int i = 0; i < 2000; i++) {
            seen.merge(OptionalSegments.realise("[{date} ]kirim ke {recipient}[ lewat {provider}][, ket: {note}]", r),
                    1, Integer::sum);
        }
        assertTrue(seen.containsKey("kirim ke {recipient} lewat {provider}, ket: {note} {date}"), seen.toString());
        assertTrue(seen.containsKey("{date} kirim ke {recipient} lewat {provider}, ket: {note}"), seen.toString());
        assertFalse(seen.keySet().stream().anyMatch(s -> s.contains(", ket: {note} lewat")), seen.toString());
    }

    @Test
    void sameRandomStreamSameTextAndUnclosedSegmentRejected() {
        for (long seed = 0; seed < 50; seed++) {
            assertEquals(OptionalSegments.realise(TRANSFER, new Random(seed)),
                    OptionalSegments.realise(TRANSFER, new Random(seed)));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptionalSegments.realise("tf {amount}[ {date}", new Random(0)));
        assertTrue(e.getMessage().contains("tf {amount}[ {date}"), e.getMessage());
    }

    @Test
    void amountMovesToTheFrontAboutOneTimeInFiveUnlessAWordIntroducesIt() {
        int moved = 0;
        int n = 4000;
        for (int seed = 0; seed < n; seed++) {
            String s = OptionalSegments.amountFirst("{w:tf|kirim} {amount} ke {recipient} {date}", new Random(seed));
            if (!s.equals("{w:tf|kirim} {amount} ke {recipient} {date}")) {
                assertEquals("{amount} {w:tf|kirim} ke {recipient} {date}", s);
                moved++;
            }
        }
        assertEquals(OptionalSegments.AMOUNT_FIRST_PERCENT / 100.0, moved / (double) n, 0.025);

        // dangling introducers: a literal word, any option of a choice, the last word of a multi-word option
        for (String kept : new String[] {"kirim ke {recipient} sebesar {amount}", "pay {provider} bill of {amount}",
                "{w:bayar|byr} tagihan {provider} {w:senilai|nominal} {amount}", "ask {recipient} to pay me {amount}",
                "{w:minta|suruh} {recipient} {w:bayar|balikin} {amount} dong", "{amount} ke {recipient} ya",
                "cek saldo {provider} dong"}) {
            for (int seed = 0; seed < 50; seed++) {
                Random r = new Random(seed);
                assertEquals(kept, OptionalSegments.amountFirst(kept, r));
                assertEquals(new Random(seed).nextInt(), r.nextInt(), "a kept text draws nothing: " + kept);
            }
        }
        // a slot or an ordinary multi-word choice before the amount does not introduce it
        assertTrue(IntStream.range(0, 200).anyMatch(seed -> OptionalSegments.amountFirst(
                "{w:tf dong|kirim dong} {amount} ke {recipient}", new Random(seed))
                .equals("{amount} {w:tf dong|kirim dong} ke {recipient}")));
        assertTrue(IntStream.range(0, 200).anyMatch(seed -> OptionalSegments.amountFirst(
                "bayarin {recipient} {amount}", new Random(seed)).equals("{amount} bayarin {recipient}")));
    }
}
