package org.finetune4j.task;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads money amounts as Indonesian and English users write them, into {@link Money} in major units.
 *
 * <h2>Accepted forms</h2>
 * <ul>
 *   <li>Digits with an optional currency before ({@code Rp}, {@code Rp.}, {@code IDR}, {@code $}, {@code US$},
 *       {@code S$}, {@code A$}, {@code €}, {@code £}, {@code ¥}, {@code RM} or an ISO code) or after
 *       ({@code rupiah}, {@code dollar(s)}, {@code dolar}, {@code euro(s)}, {@code ringgit}, {@code yen},
 *       {@code pound(s)} or an ISO code): {@code Rp75.000}, {@code 20 USD}, {@code $12.50}, {@code SGD 40}.</li>
 *   <li>A multiplier after the digits: {@code rb}/{@code ribu}/{@code rebu}/{@code rbu}/{@code k} = ×1 000,
 *       {@code jt}/{@code juta} = ×1 000 000 ({@code 250rb}, {@code 1,5jt}, {@code 2,5k}), and the compound
 *       {@code 2 juta 500 ribu} / {@code 2jt 500rb}.</li>
 *   <li>Indonesian number words ending in {@code ribu}/{@code juta} ({@code seratus ribu},
 *       {@code setengah juta}, {@code dua juta lima ratus ribu}) and the slang {@code cepek} (100),
 *       {@code gopek} (500), {@code seceng} (1 000), {@code goceng} (5 000), {@code ceban} (10 000),
 *       {@code gocap} (50 000).</li>
 * </ul>
 * Matching is case-insensitive. Without a currency the amount is IDR. Not supported: English number words,
 * {@code M}/{@code miliar}, negative amounts.
 *
 * <h2>Separator rule (deterministic, the same for every currency and with or without a multiplier)</h2>
 * <ol>
 *   <li>Digits only: an integer.</li>
 *   <li>Both {@code .} and {@code ,} present: the last separator is the decimal mark, the other one groups
 *       thousands ({@code 1.250.000,50} and {@code 1,250,000.50} are both 1250000.5).</li>
 *   <li>One kind of separator occurring twice or more: thousands grouping ({@code 1.250.000},
 *       {@code 1,250,000}); every group after the first must have exactly three digits.</li>
 *   <li>One separator occurring once: thousands when exactly three digits follow and the integer part is not
 *       {@code 0} ({@code 75.000}, {@code 1,500}); otherwise the decimal mark ({@code 1,5}, {@code 12.50},
 *       {@code 0.125}).</li>
 * </ol>
 * So {@code 1.500rb} is 1 500 000 and {@code 1,5rb} is 1 500; a formatter that wants a three-digit fraction must
 * write both separators.
 */
public final class AmountNormalizer {

    private static final Map<String, String> PREFIX_CURRENCY = Map.ofEntries(
            Map.entry("rp", "IDR"), Map.entry("rp.", "IDR"), Map.entry("idr", "IDR"),
            Map.entry("$", "USD"), Map.entry("us$", "USD"), Map.entry("usd", "USD"),
            Map.entry("s$", "SGD"), Map.entry("sgd", "SGD"), Map.entry("a$", "AUD"), Map.entry("aud", "AUD"),
            Map.entry("€", "EUR"), Map.entry("eur", "EUR"), Map.entry("£", "GBP"), Map.entry("gbp", "GBP"),
            Map.entry("¥", "JPY"), Map.entry("jpy", "JPY"), Map.entry("rm", "MYR"), Map.entry("myr", "MYR"));

    private static final Map<String, String> SUFFIX_CURRENCY = Map.ofEntries(
            Map.entry("rupiah", "IDR"), Map.entry("idr", "IDR"),
            Map.entry("usd", "USD"), Map.entry("dollar", "USD"), Map.entry("dollars", "USD"),
            Map.entry("dolar", "USD"), Map.entry("sgd", "SGD"), Map.entry("aud", "AUD"),
            Map.entry("eur", "EUR"), Map.entry("euro", "EUR"), Map.entry("euros", "EUR"),
            Map.entry("gbp", "GBP"), Map.entry("pound", "GBP"), Map.entry("pounds", "GBP"),
            Map.entry("jpy", "JPY"), Map.entry("yen", "JPY"), Map.entry("myr", "MYR"), Map.entry("ringgit", "MYR"));

    private static final Map<String, Long> MULTIPLIER = Map.of(
            "rb", 1_000L, "ribu", 1_000L, "rebu", 1_000L, "rbu", 1_000L, "k", 1_000L,
            "jt", 1_000_000L, "juta", 1_000_000L);

    private static final Map<String, Long> SLANG = Map.of(
            "cepek", 100L, "gopek", 500L, "seceng", 1_000L, "goceng", 5_000L, "ceban", 10_000L, "gocap", 50_000L);

    private static final Map<String, Integer> UNITS = Map.of(
            "satu", 1, "dua", 2, "tiga", 3, "empat", 4, "lima", 5,
            "enam", 6, "tujuh", 7, "delapan", 8, "sembilan", 9);

    private static final String PREFIX = "(?<pre>(?<![\\p{L}])(?:us\\$|s\\$|a\\$|rp\\.?|idr|usd|sgd|aud|eur|gbp|jpy|myr|rm)|[$€£¥])";
    private static final String NUM = "\\d+(?:[.,]\\d+)*";
    private static final String MUL = "(?:rb|ribu|rebu|rbu|k|jt|juta)";
    private static final String SUFFIX = "(?:rupiah|idr|usd|dollars|dollar|dolar|sgd|aud|eur|euros|euro|gbp|pounds|pound|jpy|yen|myr|ringgit)";

    /** Digits with optional currency prefix, multiplier, "juta … ribu" compound and currency suffix. */
    private static final Pattern DIGIT_AMOUNT = Pattern.compile(
            "(?:" + PREFIX + "\\s*)?(?<![\\d.,])(?<num>" + NUM + ")(?![\\d])"
                    + "(?:\\s*(?<mul>" + MUL + ")(?![\\p{L}])"
                    + "(?:(?<=jt|juta)\\s+(?<num2>\\d{1,3})\\s*(?<mul2>rb|ribu|rebu|rbu|k)(?![\\p{L}]))?)?"
                    + "(?:\\s*(?<suf>" + SUFFIX + ")(?![\\p{L}]))?");

    private static final Pattern WORD = Pattern.compile("\\p{L}+");

    private AmountNormalizer() {
    }

    /**
     * Parses a string that is exactly one amount expression (surrounding whitespace allowed).
     *
     * @return the amount, or empty when the text is not one amount
     */
    public static Optional<Money> parse(String surface) {
        String s = surface.strip();
        for (Found f : scan(s)) {
            if (f.start == 0 && f.end == s.length()) {
                return Optional.of(f.money);
            }
        }
        return Optional.empty();
    }

    /** Every amount expression in free text, in order of appearance (bare numbers count as IDR). */
    public static List<Money> findAll(String message) {
        List<Money> out = new ArrayList<>();
        for (Found f : scan(message)) {
            out.add(f.money);
        }
        return out;
    }

    /**
     * Reads digits with separators by the class's separator rule.
     *
     * @return the value, or empty when the grouping is malformed ({@code 1.25.000})
     */
    public static Optional<BigDecimal> parseNumber(String digits) {
        int dots = count(digits, '.');
        int commas = count(digits, ',');
        String plain;
        if (dots == 0 && commas == 0) {
            plain = digits;
        } else if (dots > 0 && commas > 0) {
            int lastDot = digits.lastIndexOf('.');
            int lastComma = digits.lastIndexOf(',');
            char decimal = lastDot > lastComma ? '.' : ',';
            char group = decimal == '.' ? ',' : '.';
            int decimalAt = Math.max(lastDot, lastComma);
            if (count(digits, decimal) != 1) {
                return Optional.empty();
            }
            String intPart = digits.substring(0, decimalAt);
            if (!validGrouping(intPart, group)) {
                return Optional.empty();
            }
            plain = intPart.replace(String.valueOf(group), "") + "." + digits.substring(decimalAt + 1);
        } else {
            char sep = dots > 0 ? '.' : ',';
            int n = Math.max(dots, commas);
            if (n >= 2) {
                if (!validGrouping(digits, sep)) {
                    return Optional.empty();
                }
                plain = digits.replace(String.valueOf(sep), "");
            } else {
                int at = digits.indexOf(sep);
                String intPart = digits.substring(0, at);
                String frac = digits.substring(at + 1);
                boolean thousands = frac.length() == 3 && !intPart.equals("0");
                plain = thousands ? intPart + frac : intPart + "." + frac;
            }
        }
        return Optional.of(new BigDecimal(plain));
    }

    private static boolean validGrouping(String s, char sep) {
        String[] groups = s.split(Pattern.quote(String.valueOf(sep)), -1);
        if (groups[0].isEmpty() || groups[0].length() > 3) {
            return false;
        }
        for (int i = 1; i < groups.length; i++) {
            if (groups[i].length() != 3) {
                return false;
            }
        }
        return true;
    }

    private static int count(String s, char c) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }

    private record Found(Money money, int start, int end) {
    }

    private static List<Found> scan(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<Found> found = new ArrayList<>();
        scanDigits(lower, found);
        scanWords(lower, found);
        found.sort(Comparator.comparingInt(Found::start));
        return found;
    }

    private static void scanDigits(String s, List<Found> out) {
        Matcher m = DIGIT_AMOUNT.matcher(s);
        int from = 0;
        while (from < s.length() && m.find(from)) {
            from = m.end();
            if (partOfPhoneNumber(s, m.start("num"), m.group("num"))) {
                // "0881 8916 120 SGD 297.87": the currency belongs to the amount after it, so look again from
                // the end of the digits, not of the whole match
                from = m.end("num");
                continue;
            }
            Optional<BigDecimal> number = parseNumber(m.group("num"));
            if (number.isEmpty()) {
                continue;
            }
            BigDecimal value = number.get();
            if (m.group("mul") != null) {
                value = value.multiply(BigDecimal.valueOf(MULTIPLIER.get(m.group("mul"))));
            }
            if (m.group("num2") != null) { // "2 juta 500 ribu": the regex allows it only after jt/juta
                value = value.add(new BigDecimal(m.group("num2"))
                        .multiply(BigDecimal.valueOf(MULTIPLIER.get(m.group("mul2")))));
            }
            String currency = "IDR";
            if (m.group("pre") != null) {
                currency = PREFIX_CURRENCY.get(m.group("pre"));
            } else if (m.group("suf") != null) {
                currency = SUFFIX_CURRENCY.get(m.group("suf"));
            }
            if (value.signum() > 0) {
                out.add(new Found(new Money(value, currency), m.start(), m.end()));
            }
        }
    }

    /**
     * The first one or two groups of a phone number written in groups ({@code 0881-8916-120}: four digits, four,
     * the rest), right before a number's digits, which are then the phone number's next group.
     */
    private static final Pattern PHONE_GROUPS_BEFORE = Pattern.compile("(?<![\\d.,])0\\d{3}(?:[ -]\\d{4})?[ -]$");

    /**
     * Whether digits are (part of) a phone number rather than an amount: amounts are never written with a leading
     * zero before another digit ("0812…"), and a number that continues a leading-zero digit group is the rest of
     * the phone number.
     */
    private static boolean partOfPhoneNumber(String s, int start, String digits) {
        if (digits.length() > 1 && digits.charAt(0) == '0' && Character.isDigit(digits.charAt(1))) {
            return true;
        }
        return PHONE_GROUPS_BEFORE.matcher(s.substring(Math.max(0, start - 24), start)).find();
    }

    /** Indonesian number words ending in ribu/juta, and slang amounts. */
    private static void scanWords(String s, List<Found> out) {
        Matcher m = WORD.matcher(s);
        List<int[]> spans = new ArrayList<>();
        List<String> words = new ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
            words.add(m.group());
        }
        int i = 0;
        while (i < words.size()) {
            String w = words.get(i);
            if (SLANG.containsKey(w)) {
                out.add(new Found(new Money(BigDecimal.valueOf(SLANG.get(w)), "IDR"), spans.get(i)[0], spans.get(i)[1]));
                i++;
                continue;
            }
            if (!isNumberWord(w) || MULTIPLIER.containsKey(w)) {
                i++;
                continue;
            }
            int j = i;
            while (j < words.size() && isNumberWord(words.get(j))
                    && (j == i || onlySpacesBetween(s, spans.get(j - 1)[1], spans.get(j)[0]))) {
                j++;
            }
            // trim to the last multiplier word: "seratus ribu" yes, "dua" alone no
            int end = j;
            while (end > i && !isBigMultiplier(words.get(end - 1))) {
                end--;
            }
            if (end > i) {
                BigDecimal v = wordsValue(words.subList(i, end));
                if (v != null && v.signum() > 0) {
                    out.add(new Found(new Money(v, "IDR"), spans.get(i)[0], spans.get(end - 1)[1]));
                }
                i = end;
            } else {
                i = j;
            }
        }
    }

    private static boolean onlySpacesBetween(String s, int from, int to) {
        return s.substring(from, to).isBlank();
    }

    private static boolean isBigMultiplier(String w) {
        return w.equals("ribu") || w.equals("rebu") || w.equals("juta") || w.equals("seribu") || w.equals("sejuta");
    }

    private static boolean isNumberWord(String w) {
        return UNITS.containsKey(w) || switch (w) {
            case "sepuluh", "sebelas", "belas", "puluh", "ratus", "seratus", "seribu", "sejuta", "setengah",
                    "ribu", "rebu", "juta" -> true;
            default -> false;
        };
    }

    /** Value of an Indonesian number-word run, or null when it is not well-formed ("ribu ribu"). */
    private static BigDecimal wordsValue(List<String> words) {
        BigDecimal total = BigDecimal.ZERO;
        BigDecimal small = BigDecimal.ZERO; // completed part below 1000 (e.g. 200 of "dua ratus lima")
        BigDecimal cur = BigDecimal.ZERO;   // pending units (e.g. 5 of "dua ratus lima")
        BigDecimal lastScale = null;        // ribu/juta must appear in decreasing order
        for (String w : words) {
            Integer u = UNITS.get(w);
            if (u != null) {
                cur = cur.add(BigDecimal.valueOf(u));
                continue;
            }
            switch (w) {
                case "setengah" -> cur = cur.add(new BigDecimal("0.5"));
                case "sepuluh" -> cur = cur.add(BigDecimal.TEN);
                case "sebelas" -> cur = cur.add(BigDecimal.valueOf(11));
                case "belas" -> {
                    small = small.add(cur.add(BigDecimal.TEN));
                    cur = BigDecimal.ZERO;
                }
                case "puluh" -> {
                    small = small.add(cur.multiply(BigDecimal.TEN));
                    cur = BigDecimal.ZERO;
                }
                case "seratus" -> small = small.add(BigDecimal.valueOf(100));
                case "ratus" -> {
                    small = small.add(cur.multiply(BigDecimal.valueOf(100)));
                    cur = BigDecimal.ZERO;
                }
                default -> {
                    BigDecimal scale;
                    BigDecimal group = small.add(cur);
                    if (w.equals("seribu") || w.equals("sejuta")) {
                        if (group.signum() != 0) {
                            return null;
                        }
                        group = BigDecimal.ONE;
                        scale = BigDecimal.valueOf(w.equals("seribu") ? 1_000 : 1_000_000);
                    } else {
                        scale = BigDecimal.valueOf(w.equals("juta") ? 1_000_000 : 1_000);
                    }
                    if (group.signum() == 0 || (lastScale != null && scale.compareTo(lastScale) >= 0)) {
                        return null;
                    }
                    total = total.add(group.multiply(scale));
                    lastScale = scale;
                    small = BigDecimal.ZERO;
                    cur = BigDecimal.ZERO;
                }
            }
        }
        return total.add(small).add(cur);
    }
}
