package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.finetune4j.chat.ChatMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DateHintsTest {

    @ParameterizedTest(name = "{0} @ {1}")
    @CsvSource(delimiter = '|', value = {
        "tf 50rb ke budi besok | 2024-12-03 | 2024-12-04",
        "besok tf 50rb ke budi | 2024-12-03 | 2024-12-04",
        "bayar PLN jumat depan | 2024-01-10 | 2024-01-19",   // a Wednesday: next week's Friday, not this one
        "bayar PLN jumat | 2024-01-10 | 2024-01-12",
        "send 20 USD to Sarah on 3 Dec | 2024-11-25 | 2024-12-03",
        "kirim 100rb ke andi tgl 5. makasih | 2024-01-08 | 2024-02-05",
        "pay the BPJS the day after tomorrow | 2024-03-30 | 2024-04-01",
        "Top up OVO 200rb, lusa ya! | 2024-02-28 | 2024-03-01",
        "transfer 1,5jt ke 081234567890 hari minggu depan | 2024-01-10 | 2024-01-21",
        "cek saldo dong | 2024-01-10 | ",
        "tf 1,5jt ke 0812 3456 7890 | 2024-01-10 | ",
        "bayar kos minggu depan | 2024-01-10 | ",                // "next week" is not a date
    })
    void findsTheLongestDateExpression(String message, String reference, String expected) {
        Optional<LocalDate> want = expected == null ? Optional.empty() : Optional.of(LocalDate.parse(expected));
        assertEquals(want, DateHints.find(message, LocalDate.parse(reference)), message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "tf 50rb ke budi besok | tf 50rb ke budi",
        "25 september pulsa ceban buat 0838764429070 | pulsa ceban buat 0838764429070",
        "18/10 lunasin wifi MyRepublic sebesar Rp 611.589 dong | lunasin wifi MyRepublic sebesar Rp 611.589 dong",
        "july 2, 2026 load 790,000 rupiah into shopeepay | load 790,000 rupiah into shopeepay",
        "Collect SGD 1,303.82 from Bayu on the 25th | Collect SGD 1,303.82 from Bayu",
        "minta 2,5jt dari pak bambang tgl 15 utk sewa | minta 2,5jt dari pak bambang utk sewa",
        "cek saldo dong | cek saldo dong",
    })
    void withoutDateDropsTheDateWordsAndKeepsTheRest(String message, String expected) {
        assertEquals(expected, DateHints.withoutDate(message, LocalDate.parse("2024-12-03")));
    }

    @Test
    void theHintGoesOnItsOwnLineOfTheSystemPrompt() {
        LocalDate ref = LocalDate.parse("2024-12-03");
        List<ChatMessage> conv = List.of(ChatMessage.system(TaskPrompts.jsonSystemPrompt(ref)),
                ChatMessage.user("tf 50rb ke budi besok"));
        List<ChatMessage> hinted = DateHints.withHint(conv);
        assertEquals(TaskPrompts.jsonSystemPrompt(ref) + "\n\"date\":\"2024-12-04\"", hinted.get(0).content());
        assertEquals(conv.get(1), hinted.get(1));
        assertEquals(ref, TaskPrompts.referenceDate(hinted.get(0).content()), "the reference line still reads back");
        assertEquals(TaskPrompts.jsonSystemPrompt(ref), conv.get(0).content(), "the input is not modified");

        List<ChatMessage> noDate = List.of(conv.get(0), ChatMessage.user("cek saldo dong"));
        assertSame(noDate, DateHints.withHint(noDate));
        List<ChatMessage> noSystem = List.of(ChatMessage.user("tf 50rb ke budi besok"));
        assertSame(noSystem, DateHints.withHint(noSystem));
        List<ChatMessage> noReference = List.of(ChatMessage.system("Reply in JSON."), conv.get(1));
        assertSame(noReference, DateHints.withHint(noReference));
    }

    /** The hand-written examples were not generated from the rules the search uses: every dated one is found. */
    @Test
    void findsEveryDateOfTheHandWrittenExamples() {
        List<String> missed = new ArrayList<>();
        int dated = 0;
        for (PaymentSample s : PaymentJsonl.read(Path.of("data/task/examples.jsonl"))) {
            LocalDate gold = s.gold().date();
            if (gold == null) {
                continue;
            }
            dated++;
            Optional<LocalDate> found = DateHints.find(s.userMessage(), s.referenceDate());
            if (!found.equals(Optional.of(gold))) {
                missed.add(s.userMessage() + " -> " + found + ", gold " + gold);
            }
        }
        assertTrue(dated >= 40, "examples with a date: " + dated);
        assertTrue(missed.isEmpty(), missed.size() + " of " + dated + " missed: " + missed);
    }
}
