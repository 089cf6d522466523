package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.finetune4j.chat.ChatMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProviderHintsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bayar listrik PLN 1,5jt | PLN",
        "pln bill bayar pls | PLN",
        "LUNASIN TAGIHAN INTERNET INDIHOME DONG | IndiHome",
        "bayar wifi first media 300rb | First Media",
        "buy kuota by.U dua puluh ribu ya | by.U",
        "PULSA 200 RIBU TRI KE 082143473715 | Tri",
        "isi gopay 100rb | GoPay",
        "tf ke budi 50rb lewat ovo | OVO",
        "top up ShopeePay 20k | ShopeePay",
        "cek saldo dong | ",
        "top up ovo pakai gopay | ",                 // two named: no line
        "transfer ke Trisna 50rb | ",                // a name that starts like "Tri"
        "kirim ke 0812xl 10rb | ",                   // "xl" inside a word
    })
    void findsTheOneProviderTheMessageNames(String message, String expected) {
        assertEquals(Optional.ofNullable(expected), ProviderHints.find(message), message);
    }

    @Test
    void theHintIsTheProviderFieldOnItsOwnLine() {
        LocalDate today = LocalDate.parse("2024-12-03");
        List<ChatMessage> conv = List.of(ChatMessage.system(TaskPrompts.jsonSystemPrompt(today)),
                ChatMessage.user("bayar indihome 350rb"));
        assertEquals(TaskPrompts.jsonSystemPrompt(today) + "\n\"provider\":\"IndiHome\"",
                ProviderHints.withHint(conv).get(0).content());
        List<ChatMessage> none = List.of(conv.get(0), ChatMessage.user("cek saldo dong"));
        assertSame(none, ProviderHints.withHint(none));
    }

    /** Every hand-written example's provider is found, and none is stated where the answer has none. */
    @Test
    void findsEveryProviderOfTheHandWrittenExamples() {
        List<String> wrong = new ArrayList<>();
        for (PaymentSample s : PaymentJsonl.read(Path.of("data/task/examples.jsonl"))) {
            Optional<String> want = Optional.ofNullable(s.gold().provider());
            Optional<String> found = ProviderHints.find(s.userMessage());
            if (!found.equals(want)) {
                wrong.add(s.userMessage() + " -> " + found + ", gold " + want);
            }
        }
        assertEquals(List.of(), wrong);
    }
}
