package org.finetune4j.task;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An amount in the currency's major unit (250000 for Rp250.000, 12.5 for $12.50) and its ISO 4217 code.
 * The amount is kept in its shortest exact form (trailing zeros stripped, never in exponent notation), so
 * {@code equals} compares numerically.
 *
 * @param amount   strictly positive amount in major units
 * @param currency upper-case ISO 4217 code such as {@code IDR}
 */
public record Money(BigDecimal amount, String currency) {
    private static final Pattern ISO_4217 = Pattern.compile("[A-Z]{3}");

    public Money {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currency, "currency");
        if (amount.signum() <= 0) {
            throw new IllegalArgumentException("amount must be positive: " + amount);
        }
        if (!ISO_4217.matcher(currency).matches()) {
            throw new IllegalArgumentException("currency must be an ISO 4217 code like IDR: '" + currency + "'");
        }
        amount = canonical(amount);
    }

    public static Money of(String amount, String currency) {
        return new Money(new BigDecimal(amount), currency);
    }

    /** Shortest exact form: {@code 250000.00 -> 250000}, {@code 12.50 -> 12.5}, never {@code 2.5E+5}. */
    static BigDecimal canonical(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    @Override
    public String toString() {
        return amount.toPlainString() + " " + currency;
    }
}
