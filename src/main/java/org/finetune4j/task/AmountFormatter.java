package org.finetune4j.task;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes a gold amount the many ways users type it ({@code 250rb}, {@code Rp250.000}, {@code 1,5jt},
 * {@code $12.50}, {@code goceng}); the inverse of {@link AmountNormalizer}. Every form returned by
 * {@link #forms} parses back to the same {@link Money} under the normaliser's separator rule.
 *
 * <p>Limits that keep that promise: IDR amounts must be whole rupiah; other currencies at most two decimals
 * (a three-digit fraction written with a single separator would read as thousands).
 */
public final class AmountFormatter {

    private static final Map<Long, String> SLANG = Map.of(
            100L, "cepek", 500L, "gopek", 1_000L, "seceng", 5_000L, "goceng", 10_000L, "ceban", 50_000L, "gocap");

    private static final String[] UNITS =
            {"", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"};

    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1_000);
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private AmountFormatter() {
    }

    /** One surface form of {@code money}, chosen with {@code random}, suited to {@code language}. */
    public static String render(Money money, Language language, Random random) {
        List<String> all = forms(money, language);
        return all.get(random.nextInt(all.size()));
    }

    /**
     * All surface forms used for {@code money} in {@code language} (with repeats acting as weights).
     *
     * @throws IllegalArgumentException for fractional IDR or more than two decimals in another currency
     */
    public static List<String> forms(Money money, Language language) {
        return money.currency().equals("IDR") ? rupiahForms(money.amount(), language)
                : foreignForms(money, language);
    }

    private static List<String> rupiahForms(BigDecimal amount, Language lang) {
        if (amount.scale() > 0) {
            throw new IllegalArgumentException("IDR amounts are whole rupiah: " + amount);
        }
        long a = amount.longValueExact();
        String dot = group(amount, '.');
        String comma = group(amount, ',');
        String plain = amount.toPlainString();
        boolean english = lang == Language.EN;
        List<String> f = new ArrayList<>();
        f.add("Rp" + dot);
        f.add("Rp " + dot);
        f.add(english ? "IDR " + comma : "Rp. " + dot);
        f.add(english ? comma + " IDR" : dot);
        f.add(english ? "Rp" + comma : plain);
        f.add(english ? comma + " rupiah" : dot + " rupiah");
        if (a % 1_000 == 0) {
            String k = String.valueOf(a / 1_000);
            if (english) {
                f.add(k + "k");
                f.add(k + "K IDR");
                f.add(k + "k rupiah");
            } else {
                f.add(k + "rb");
                f.add(k + "rb");
                f.add(k + " rb");
                f.add(k + " ribu");
                f.add(k + "k");
                f.add(k + " rebu");
            }
        }
        if (a >= 1_000_000 && a % 10_000 == 0) {
            BigDecimal jt = amount.divide(MILLION, 2, RoundingMode.UNNECESSARY).stripTrailingZeros();
            String en = jt.toPlainString();
            String id = en.replace('.', ',');
            if (english) {
                f.add(en + "jt");
                f.add("IDR " + en + " juta");
            } else {
                f.add(id + "jt");
                f.add(id + " jt");
                f.add(id + " juta");
                f.add(en + "jt");
            }
        }
        if (!english && a > 1_000_000 && a % 1_000 == 0 && a % 1_000_000 != 0) {
            long jt = a / 1_000_000;
            long rb = (a % 1_000_000) / 1_000;
            f.add(jt + " juta " + rb + " ribu");
            f.add(jt + "jt " + rb + "rb");
        }
        if (!english && a >= 1_000 && a < 1_000_000_000L && a % 1_000 == 0) {
            f.add(words(a));
        }
        if (!english && a == 500_000) {
            f.add("setengah juta");
        }
        if (!english && SLANG.containsKey(a)) {
            f.add(SLANG.get(a));
            f.add(SLANG.get(a));
        }
        return f;
    }

    private static List<String> foreignForms(Money money, Language lang) {
        BigDecimal amount = money.amount();
        if (amount.scale() > 2) {
            throw new IllegalArgumentException("at most two decimals can be written unambiguously: " + money);
        }
        String code = money.currency();
        boolean whole = amount.scale() <= 0;
        String en = group(amount, ',');
        String enPlain = whole ? amount.toPlainString() : amount.setScale(2, RoundingMode.UNNECESSARY).toPlainString();
        String id = groupId(amount);
        List<String> f = new ArrayList<>();
        f.add(en + " " + code);
        f.add(code + " " + en);
        f.add(enPlain + " " + code);
        if (lang != Language.EN) {
            f.add(id + " " + code);
        }
        String symbol = switch (code) {
            case "USD" -> "$";
            case "EUR" -> "€";
            case "GBP" -> "£";
            case "JPY" -> "¥";
            case "SGD" -> "S$";
            case "AUD" -> "A$";
            case "MYR" -> "RM";
            default -> null;
        };
        if (symbol != null) {
            f.add(symbol + en);
            f.add(symbol + enPlain);
        }
        String word = switch (code) {
            case "USD" -> lang == Language.EN ? "dollars" : "dolar";
            case "EUR" -> "euro";
            case "GBP" -> "pounds";
            case "JPY" -> "yen";
            case "MYR" -> "ringgit";
            default -> null;
        };
        if (word != null) {
            f.add((lang == Language.EN ? en : id) + " " + word);
        }
        return f;
    }

    /** Integer part grouped by {@code sep} in threes, fraction (if any) after the other separator. */
    private static String group(BigDecimal amount, char sep) {
        char decimal = sep == '.' ? ',' : '.';
        BigInteger intPart = amount.setScale(0, RoundingMode.DOWN).toBigIntegerExact();
        String digits = intPart.toString();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0 && (digits.length() - i) % 3 == 0) {
                sb.append(sep);
            }
            sb.append(digits.charAt(i));
        }
        if (amount.scale() > 0) {
            String frac = amount.setScale(2, RoundingMode.UNNECESSARY).toPlainString();
            sb.append(decimal).append(frac.substring(frac.indexOf('.') + 1));
        }
        return sb.toString();
    }

    /** Indonesian style: dot groups, comma decimal ({@code 1.250,50}). */
    private static String groupId(BigDecimal amount) {
        return group(amount, '.');
    }

    /** Indonesian words for a multiple of 1000 below one billion ({@code 2500000 -> "dua juta lima ratus ribu"}). */
    static String words(long a) {
        if (a <= 0 || a % 1_000 != 0 || a >= 1_000_000_000L) {
            throw new IllegalArgumentException("words only for positive multiples of 1000 below 1e9: " + a);
        }
        long jt = a / 1_000_000;
        long rb = (a % 1_000_000) / 1_000;
        StringBuilder sb = new StringBuilder();
        if (jt == 1) {
            sb.append("sejuta");
        } else if (jt > 1) {
            sb.append(below1000(jt)).append(" juta");
        }
        if (rb > 0) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(rb == 1 ? "seribu" : below1000(rb) + " ribu");
        }
        return sb.toString();
    }

    private static String below1000(long n) {
        StringBuilder sb = new StringBuilder();
        long h = n / 100;
        long r = n % 100;
        if (h == 1) {
            sb.append("seratus");
        } else if (h > 1) {
            sb.append(UNITS[(int) h]).append(" ratus");
        }
        if (r > 0) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            if (r < 10) {
                sb.append(UNITS[(int) r]);
            } else if (r == 10) {
                sb.append("sepuluh");
            } else if (r == 11) {
                sb.append("sebelas");
            } else if (r < 20) {
                sb.append(UNITS[(int) (r - 10)]).append(" belas");
            } else {
                sb.append(UNITS[(int) (r / 10)]).append(" puluh");
                if (r % 10 > 0) {
                    sb.append(' ').append(UNITS[(int) (r % 10)]);
                }
            }
        }
        return sb.toString();
    }
}
