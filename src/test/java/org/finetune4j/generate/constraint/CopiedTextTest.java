package org.finetune4j.generate.constraint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CopiedTextTest {

    @ParameterizedTest(name = "\"{0}\" from \"{1}\": {2}")
    @CsvSource(delimiter = '|', value = {
        "Mas Hendra|tf ke mas hendra 100rb|true",
        "IndiHome|LUNASIN TAGIHAN INDIHOME DONG|true",
        "08962098647|tf ke 0896 2098 647 sebesar 20rb|true",
        "08385640686|kirim ke 0838-5640-686 sebesar 984 rb|true",
        "by.U|beli kuota by.u 50rb|true",
        "Bayu sebesar|tf ke Bayu sebesar Rp. 5.000.000|true",
        "makan siang|keterangan: makan siang|true",
        "Riz|transfer ke rizky 2 juta|false",
        "izky|transfer ke rizky 2 juta|false",
        "Rizeh|transfer ke rizky 2 juta|false",
        "Youspeak|can you speak spanish?|false",
        "Ali Baba|tf ke alibaba|false",
        "ShopeePay|can you speak spanish?|false",
        "PLN|PLN bill bayar pls|true",
        "IndiHome|PLN bill bayar pls|false",
    })
    void aValueIsCopiedWhenItIsAWordBoundedRunOfTheMessage(String value, String source, boolean copied) {
        assertEquals(copied, CopiedText.isCopied(value, source));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " thx", "thx "})
    void anEmptyValueOrOneWithASpaceAtAnEndIsNotACopy(String value) {
        assertEquals(false, CopiedText.isCopied(value, "can you speak spanish? thx"));
    }

    /** The rule holds for every gold recipient, provider and note the task has: constraining to it loses nothing. */
    @ParameterizedTest
    @ValueSource(strings = {"train.jsonl", "validation.jsonl", "test.jsonl", "examples.jsonl"})
    void everyGoldRecipientProviderAndNoteOfTheTaskIsCopiedFromItsMessage(String file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        int checked = 0;
        for (String line : Files.readAllLines(Path.of("data/task").resolve(file))) {
            JsonNode messages = json.readTree(line).get("messages");
            String user = null;
            String answer = null;
            for (JsonNode m : messages) {
                if (m.get("role").asText().equals("user")) {
                    user = m.get("content").asText();
                } else if (m.get("role").asText().equals("assistant")) {
                    answer = m.get("content").asText();
                }
            }
            JsonNode gold = json.readTree(answer);
            for (String field : new String[] {"recipient", "provider", "note"}) {
                if (!gold.get(field).isNull()) {
                    assertTrue(CopiedText.isCopied(gold.get(field).asText(), user),
                            file + ": " + field + " " + gold.get(field) + " is not copied from \"" + user + "\"");
                    checked++;
                }
            }
        }
        assertTrue(checked > 40, "only " + checked + " values checked in " + file);
    }
}
