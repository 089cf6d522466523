package org.finetune4j.eval;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.finetune4j.chat.ChatMessage;

/** The test schema and a four-answer set whose scores are worked out by hand in the tests. */
final class PaymentFixtures {

    private PaymentFixtures() {}

    static Path schemaPath() {
        try {
            return Path.of(PaymentFixtures.class.getResource("/eval/payment.schema.json").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonObjective objective() {
        return JsonObjective.builder().setSchema(schemaPath()).build();
    }

    static EvalExample example(String id, String user, String gold, String intent, String language) {
        return new EvalExample(id, List.of(ChatMessage.system("Extract the payment as JSON."), ChatMessage.user(user)),
                gold, Map.of("intent", intent, "language", language));
    }

    /** e1 transfer/en, e2 transfer/id, e3 balance/en, e4 bill_payment/id. */
    static List<EvalExample> examples() {
        return List.of(
                example("e1", "send 25 to Budi on 1 May 2024",
                        "{\"intent\":\"transfer\",\"amount\":25,\"recipient\":\"Budi\",\"date\":\"2024-05-01\"}",
                        "transfer", "en"),
                example("e2", "kirim 100 ke Sari",
                        "{\"intent\":\"transfer\",\"amount\":100,\"recipient\":\"Sari\",\"date\":null}",
                        "transfer", "id"),
                example("e3", "what is my balance",
                        "{\"intent\":\"balance\",\"amount\":null,\"recipient\":null,\"date\":null}",
                        "balance", "en"),
                example("e4", "bayar listrik PLN 40 tanggal 10 Juni 2024",
                        "{\"intent\":\"bill_payment\",\"amount\":40,\"recipient\":\"PLN\",\"date\":\"2024-06-10\"}",
                        "bill_payment", "id"));
    }

    /**
     * e1 correct (other key order, 25.0, padded string); e2 wrong amount; e3 wrong intent and no date key;
     * e4 cut off.
     */
    static List<String> completions() {
        return List.of(
                "{\"date\":\"2024-05-01\",\"recipient\":\"Budi \",\"amount\":25.0,\"intent\":\"transfer\"}",
                "{\"intent\":\"transfer\",\"amount\":150,\"recipient\":\"Sari\",\"date\":null}",
                "{\"intent\":\"transfer\",\"amount\":null,\"recipient\":null}",
                "{\"intent\":\"bill_payment\",\"amount\":40");
    }
}
