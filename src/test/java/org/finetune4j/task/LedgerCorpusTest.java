package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LedgerCorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sameSeedSameDocumentsOtherSeedOtherDocuments() {
        assertEquals(LedgerCorpus.documents(7, 50), LedgerCorpus.documents(7, 50));
        assertNotEquals(LedgerCorpus.documents(7, 50), LedgerCorpus.documents(8, 50));
    }

    /** Each record states exactly what its text line says: the amount as parsed, the date, the people. */
    @Test
    void everyRecordMatchesItsTextLine() throws Exception {
        for (String doc : LedgerCorpus.documents(42, 300)) {
            List<String> lines = doc.lines().toList();
            assertTrue(lines.size() >= 3 && lines.size() % 2 == 1, doc);
            for (int i = 1; i < lines.size(); i += 2) {
                String text = lines.get(i);
                JsonNode rec = JSON.readTree(lines.get(i + 1));
                assertEquals(List.of("date", "type", "amount", "currency", "counterparty", "channel", "memo"),
                        iterable(rec.fieldNames()), lines.get(i + 1));
                LocalDate date = LocalDate.parse(rec.get("date").asText());
                assertTrue(text.contains(date.getDayOfMonth() + " "), text);
                assertTrue(text.startsWith(RelativeDates.weekdayName(date.getDayOfWeek(), Language.ID))
                        || text.startsWith(RelativeDates.weekdayName(date.getDayOfWeek(), Language.EN)), text);
                Money said = AmountNormalizer.findAll(text.substring(text.indexOf(": ") + 2)).get(0);
                assertEquals(0, said.amount().compareTo(rec.get("amount").decimalValue()), text);
                assertEquals(said.currency(), rec.get("currency").asText(), text);
                if (!rec.get("counterparty").isNull()) {
                    assertTrue(text.contains(rec.get("counterparty").asText()), text);
                }
                if (!rec.get("memo").isNull()) {
                    assertTrue(text.endsWith(rec.get("memo").asText()), text);
                }
            }
        }
    }

    @Test
    void neverNamesATestSplitPerson() {
        List<String> testNames = new java.util.ArrayList<>();
        for (int i = 0; i < PaymentLexicon.NAMES.size(); i++) {
            if (PaymentLexicon.isTestName(i)) {
                testNames.add(PaymentLexicon.NAMES.get(i));
            }
        }
        for (String doc : LedgerCorpus.documents(42, 500)) {
            for (String name : testNames) {
                assertFalse(doc.matches("(?s).*\\b" + name + "\\b.*"), name + " in " + doc);
            }
        }
        Random r = new Random(3);
        for (int i = 0; i < 2000; i++) {
            assertFalse(PaymentLexicon.NAMES.contains(PaymentLexicon.syntheticName(r)));
        }
    }

    /** The corpus file round-trips, and a bad line is reported with the file and line number. */
    @Test
    void corpusFileRoundTripsAndNamesBadLines(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        List<String> docs = LedgerCorpus.documents(5, 20);
        java.nio.file.Path file = dir.resolve("ledger.jsonl");
        PaymentJsonl.writeLines(file, docs.stream().map(PaymentJsonl::textLine).toList());
        assertEquals(docs, PaymentJsonl.readTexts(file));
        java.nio.file.Files.writeString(file, PaymentJsonl.textLine("ok") + "\n{\"txt\":\"no\"}\n");
        TaskDataException e = org.junit.jupiter.api.Assertions.assertThrows(TaskDataException.class,
                () -> PaymentJsonl.readTexts(file));
        assertTrue(e.getMessage().contains("ledger.jsonl:2: ") && e.getMessage().contains("\"text\""),
                e.getMessage());
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
