package org.finetune4j.task;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What the user wants to do; the wire name is the value of the {@code intent} field in the JSON answer. */
public enum Intent {
    TRANSFER,
    PAY_BILL,
    TOP_UP,
    BUY_AIRTIME,
    CHECK_BALANCE,
    REQUEST_MONEY,
    TRANSACTION_HISTORY,
    /** No actionable payment request (greeting, question, off-topic): every other field is null. */
    UNKNOWN;

    /** The lower-case snake-case name used in JSON ({@code "pay_bill"}). */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name exactly (case-sensitive, as the schema enum is); the error lists the valid names. */
    public static Intent fromWire(String wire) {
        for (Intent i : values()) {
            if (i.wireName().equals(wire)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown intent '" + wire + "'; expected one of "
                + Arrays.stream(values()).map(Intent::wireName).collect(Collectors.joining(", ")));
    }
}
