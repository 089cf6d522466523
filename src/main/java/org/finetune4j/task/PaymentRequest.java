package org.finetune4j.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * One structured payment request: the answer the model must produce. Null means "the message does not say".
 *
 * <p>{@link #toJson()} writes the canonical form used for gold answers: compact JSON without any whitespace
 * outside strings, fields in the order intent, amount, currency, recipient, provider, date, note, nulls written
 * explicitly, the amount as a plain number without exponent or trailing zeros ({@code 250000}, {@code 12.5}),
 * strings with only the escapes JSON requires (non-ASCII characters stay UTF-8).
 *
 * @param intent    what the user wants
 * @param amount    amount in the currency's major unit, or null
 * @param currency  ISO 4217 code, non-null exactly when {@code amount} is
 * @param recipient person or phone number the money goes to or comes from, or null
 * @param provider  biller, e-wallet or operator, or null
 * @param date      requested date, or null
 * @param note      purpose, or null
 */
public record PaymentRequest(Intent intent, BigDecimal amount, String currency, String recipient,
        String provider, LocalDate date, String note) {

    /** Field names in canonical order. */
    public static final List<String> FIELDS =
            List.of("intent", "amount", "currency", "recipient", "provider", "date", "note");

    public PaymentRequest {
        Objects.requireNonNull(intent, "intent");
        if ((amount == null) != (currency == null)) {
            throw new IllegalArgumentException("amount and currency must both be null or both be set: "
                    + amount + " / " + currency);
        }
        if (amount != null) {
            Money m = new Money(amount, currency); // validates sign and ISO code
            amount = m.amount();
        }
        if (intent == Intent.UNKNOWN && (amount != null || recipient != null || provider != null
                || date != null || note != null)) {
            throw new IllegalArgumentException("intent unknown must have every other field null");
        }
    }

    /** The answer for a message without an actionable request. */
    public static PaymentRequest unknown() {
        return new PaymentRequest(Intent.UNKNOWN, null, null, null, null, null, null);
    }

    /** The amount and currency together, or null. */
    public Money money() {
        return amount == null ? null : new Money(amount, currency);
    }

    /** Canonical compact JSON (see the class comment). */
    public String toJson() {
        return toJsonNode().toString();
    }

    /** The answer as a Jackson tree with fields in canonical order. */
    public ObjectNode toJsonNode() {
        ObjectNode o = JsonNodeFactory.withExactBigDecimals(true).objectNode();
        o.put("intent", intent.wireName());
        if (amount == null) {
            o.putNull("amount");
        } else {
            o.put("amount", amount);
        }
        o.put("currency", currency);
        o.put("recipient", recipient);
        o.put("provider", provider);
        o.put("date", date == null ? null : date.toString());
        o.put("note", note);
        return o;
    }

    /**
     * Parses an answer strictly: exactly one JSON object with the seven fields and no others, with the
     * schema's types. Key order is free.
     *
     * @throws IllegalArgumentException naming the offending field
     */
    public static PaymentRequest fromJson(String json) {
        JsonNode node;
        try {
            node = PaymentSchema.STRICT_JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("answer is not a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException("unexpected field '" + f + "'");
            }
        }
        for (String f : FIELDS) {
            if (!node.has(f)) {
                throw new IllegalArgumentException("missing field '" + f + "'");
            }
        }
        JsonNode intent = node.get("intent");
        if (!intent.isTextual()) {
            throw new IllegalArgumentException("field 'intent' must be a string");
        }
        JsonNode amount = node.get("amount");
        if (!amount.isNull() && !amount.isNumber()) {
            throw new IllegalArgumentException("field 'amount' must be a number or null");
        }
        String date = text(node, "date");
        LocalDate parsedDate;
        try {
            parsedDate = date == null ? null : LocalDate.parse(date);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field 'date' is not an ISO date: '" + date + "'", e);
        }
        return new PaymentRequest(Intent.fromWire(intent.asText()),
                amount.isNull() ? null : amount.decimalValue(),
                text(node, "currency"), text(node, "recipient"), text(node, "provider"),
                parsedDate, text(node, "note"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' must be a string or null");
        }
        return v.asText();
    }
}
