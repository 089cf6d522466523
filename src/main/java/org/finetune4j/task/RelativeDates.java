package org.finetune4j.task;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Date expressions in Indonesian and English, resolved against a reference date R (the "today" stated in the
 * system prompt). These are the rules of the schema's {@code date} field:
 * <ul>
 *   <li>{@code hari ini}, {@code sekarang}, {@code today} = R; {@code besok}, {@code bsk}, {@code tomorrow},
 *       {@code tmrw} = R+1; {@code lusa}, {@code (the) day after tomorrow} = R+2; {@code kemarin},
 *       {@code yesterday} = R−1; {@code N hari lagi}, {@code in N days} = R+N.</li>
 *   <li>A bare weekday ({@code Jumat}, {@code hari Jumat}, {@code Friday}), {@code Jumat ini} or
 *       {@code this Friday} = the first such weekday on or after R (R itself counts).</li>
 *   <li>{@code Jumat depan}, {@code hari Jumat depan}, {@code next Friday} = that weekday in the week after R's
 *       week, weeks running Monday to Sunday (so on a Wednesday, "next Friday" is 9 days ahead, not 2).</li>
 *   <li>Sunday in Indonesian needs {@code hari}: {@code hari Minggu (depan)}; a bare {@code minggu depan} means
 *       "next week" and is not a date.</li>
 *   <li>{@code tgl 5}, {@code tanggal 5}, {@code on the 5th} = the first date numbered 5 on or after R; months
 *       without that day (31 in April) are skipped.</li>
 *   <li>A day and month without a year ({@code 3 Dec}, {@code Dec 3rd}, {@code tanggal 12 Januari}, {@code 3/12}
 *       read as day/month) = the first such date on or after R (29 Feb waits for a leap year).</li>
 *   <li>{@code akhir bulan}, {@code end of (the) month} = the last day of R's month.</li>
 *   <li>Dates with a year ({@code 12 Januari 2025}, {@code Dec 3, 2024}, {@code 3/12/2024}, {@code 2024-12-03})
 *       are taken as written.</li>
 * </ul>
 * A leading {@code pada}, {@code pd} or {@code on} is ignored; matching is case-insensitive.
 */
public final class RelativeDates {

    private static final Map<String, DayOfWeek> WEEKDAYS = Map.ofEntries(
            Map.entry("senin", DayOfWeek.MONDAY), Map.entry("selasa", DayOfWeek.TUESDAY),
            Map.entry("rabu", DayOfWeek.WEDNESDAY), Map.entry("kamis", DayOfWeek.THURSDAY),
            Map.entry("jumat", DayOfWeek.FRIDAY), Map.entry("jum'at", DayOfWeek.FRIDAY),
            Map.entry("sabtu", DayOfWeek.SATURDAY),
            Map.entry("monday", DayOfWeek.MONDAY), Map.entry("tuesday", DayOfWeek.TUESDAY),
            Map.entry("wednesday", DayOfWeek.WEDNESDAY), Map.entry("thursday", DayOfWeek.THURSDAY),
            Map.entry("friday", DayOfWeek.FRIDAY), Map.entry("saturday", DayOfWeek.SATURDAY),
            Map.entry("sunday", DayOfWeek.SUNDAY), Map.entry("mon", DayOfWeek.MONDAY),
            Map.entry("tue", DayOfWeek.TUESDAY), Map.entry("wed", DayOfWeek.WEDNESDAY),
            Map.entry("thu", DayOfWeek.THURSDAY), Map.entry("fri", DayOfWeek.FRIDAY),
            Map.entry("sat", DayOfWeek.SATURDAY), Map.entry("sun", DayOfWeek.SUNDAY));

    private static final Map<String, Integer> MONTHS = Map.ofEntries(
            Map.entry("januari", 1), Map.entry("februari", 2), Map.entry("maret", 3), Map.entry("april", 4),
            Map.entry("mei", 5), Map.entry("juni", 6), Map.entry("juli", 7), Map.entry("agustus", 8),
            Map.entry("september", 9), Map.entry("oktober", 10), Map.entry("november", 11),
            Map.entry("desember", 12), Map.entry("january", 1), Map.entry("february", 2), Map.entry("march", 3),
            Map.entry("may", 5), Map.entry("june", 6), Map.entry("july", 7), Map.entry("august", 8),
            Map.entry("october", 10), Map.entry("december", 12), Map.entry("jan", 1), Map.entry("feb", 2),
            Map.entry("mar", 3), Map.entry("apr", 4), Map.entry("jun", 6), Map.entry("jul", 7),
            Map.entry("agu", 8), Map.entry("agt", 8), Map.entry("ags", 8), Map.entry("aug", 8),
            Map.entry("sep", 9), Map.entry("sept", 9), Map.entry("okt", 10), Map.entry("oct", 10),
            Map.entry("nov", 11), Map.entry("des", 12), Map.entry("dec", 12));

    private static final String[] ID_MONTHS = {"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
        "Agustus", "September", "Oktober", "November", "Desember"};
    private static final String[] ID_MONTHS_SHORT = {"Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu",
        "Sep", "Okt", "Nov", "Des"};
    private static final String[] EN_MONTHS = {"January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December"};
    private static final String[] ID_WEEKDAYS = {"Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"};

    private static final String WD = "([a-z']+)";
    private static final String MON = "([a-z]+)\\.?";
    private static final String ORD = "(?:st|nd|rd|th)?";
    private static final Pattern IN_DAYS = Pattern.compile("(?:(\\d{1,3}) hari lagi|in (\\d{1,3}) days?)");
    private static final Pattern WEEKDAY_THIS = Pattern.compile("(?:hari |this )?" + WD + "(?: ini)?");
    private static final Pattern WEEKDAY_NEXT = Pattern.compile("(?:(?:hari )?" + WD + " depan|next " + WD + ")");
    private static final Pattern DAY_OF_MONTH = Pattern.compile("(?:tgl\\.?|tanggal|the) (\\d{1,2})" + ORD);
    private static final Pattern DAY_MONTH = Pattern.compile(
            "(?:tgl\\.? |tanggal |the )?(\\d{1,2})" + ORD + " (?:of )?" + MON + "(?:,? (\\d{4}))?");
    private static final Pattern MONTH_DAY = Pattern.compile(MON + " (\\d{1,2})" + ORD + "(?:,? (\\d{4}))?");
    private static final Pattern SLASH = Pattern.compile("(?:tgl\\.? |tanggal )?(\\d{1,2})/(\\d{1,2})(?:/(\\d{4}))?");
    private static final Pattern ISO = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})");

    private RelativeDates() {
    }

    /**
     * Resolves one date expression (the whole string) against {@code reference}.
     *
     * @return the date, or empty when the text is not a date expression or names an impossible date
     */
    public static Optional<LocalDate> resolve(String expression, LocalDate reference) {
        String s = expression.toLowerCase(Locale.ROOT).strip().replaceAll("\\s+", " ");
        s = s.replaceFirst("^(?:pada|pd|on) ", "");
        try {
            return Optional.ofNullable(resolveNormalized(s, reference));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static LocalDate resolveNormalized(String s, LocalDate r) {
        switch (s) {
            case "hari ini", "hr ini", "sekarang", "today" -> {
                return r;
            }
            case "besok", "bsk", "besuk", "tomorrow", "tmrw", "tmr" -> {
                return r.plusDays(1);
            }
            case "lusa", "day after tomorrow", "the day after tomorrow" -> {
                return r.plusDays(2);
            }
            case "kemarin", "kmrn", "kemaren", "yesterday" -> {
                return r.minusDays(1);
            }
            case "akhir bulan", "akhir bln", "end of month", "end of the month" -> {
                return r.with(TemporalAdjusters.lastDayOfMonth());
            }
            default -> {
                // fall through to the patterns
            }
        }
        Matcher m;
        if ((m = IN_DAYS.matcher(s)).matches()) {
            return r.plusDays(Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2)));
        }
        if ((m = WEEKDAY_NEXT.matcher(s)).matches()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            DayOfWeek d = weekday(name, s.startsWith("hari ") || m.group(2) != null);
            return d == null ? null : r.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).plusWeeks(1)
                    .with(TemporalAdjusters.nextOrSame(d));
        }
        if ((m = WEEKDAY_THIS.matcher(s)).matches()) {
            DayOfWeek d = weekday(m.group(1), s.startsWith("hari ") || s.startsWith("this "));
            return d == null ? null : r.with(TemporalAdjusters.nextOrSame(d));
        }
        if ((m = ISO.matcher(s)).matches()) {
            return LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)));
        }
        if ((m = SLASH.matcher(s)).matches()) {
            return dayMonth(r, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3));
        }
        if ((m = DAY_OF_MONTH.matcher(s)).matches()) {
            return nextDayOfMonth(r, Integer.parseInt(m.group(1)));
        }
        if ((m = DAY_MONTH.matcher(s)).matches()) {
            Integer month = MONTHS.get(m.group(2));
            return month == null ? null : dayMonth(r, Integer.parseInt(m.group(1)), month, m.group(3));
        }
        if ((m = MONTH_DAY.matcher(s)).matches()) {
            Integer month = MONTHS.get(m.group(1));
            return month == null ? null : dayMonth(r, Integer.parseInt(m.group(2)), month, m.group(3));
        }
        return null;
    }

    /** "minggu" is Sunday only with "hari" (or in English): bare "minggu" means "week". */
    private static DayOfWeek weekday(String name, boolean qualified) {
        if (name.equals("minggu")) {
            return qualified ? DayOfWeek.SUNDAY : null;
        }
        return WEEKDAYS.get(name);
    }

    private static LocalDate dayMonth(LocalDate r, int day, int month, String year) {
        if (year != null) {
            return LocalDate.of(Integer.parseInt(year), month, day);
        }
        if (month < 1 || month > 12 || day < 1 || day > 31) {
            return null;
        }
        for (int y = r.getYear(); y <= r.getYear() + 8; y++) {
            if (day <= java.time.YearMonth.of(y, month).lengthOfMonth()) {
                LocalDate d = LocalDate.of(y, month, day);
                if (!d.isBefore(r)) {
                    return d;
                }
            }
        }
        return null;
    }

    private static LocalDate nextDayOfMonth(LocalDate r, int day) {
        if (day < 1 || day > 31) {
            return null;
        }
        LocalDate first = r.withDayOfMonth(1);
        for (int k = 0; k < 13; k++) {
            LocalDate month = first.plusMonths(k);
            if (day <= month.lengthOfMonth()) {
                LocalDate d = month.withDayOfMonth(day);
                if (!d.isBefore(r)) {
                    return d;
                }
            }
        }
        return null;
    }

    /**
     * Every expression this class writes for {@code target} in {@code language}, each of which
     * {@link #resolve}s back to {@code target} against {@code reference}. Never empty: a date with its year
     * always qualifies.
     */
    public static List<String> expressions(LocalDate target, LocalDate reference, Language language) {
        return new ArrayList<>(expressionsByKind(target, reference, language).keySet());
    }

    /**
     * {@link #expressions}, each with the {@link Form} its builder wrote it as (in the builders' order; an
     * expression both languages write, such as the ISO date, is kept once).
     */
    static Map<String, Form> expressionsByKind(LocalDate target, LocalDate reference, Language language) {
        Map<String, Form> candidates = new LinkedHashMap<>();
        if (language != Language.EN) {
            indonesianCandidates(target, reference, candidates);
        }
        if (language != Language.ID) {
            englishCandidates(target, reference, candidates);
        }
        Map<String, Form> out = new LinkedHashMap<>();
        candidates.forEach((expression, form) -> {
            if (resolve(expression, reference).filter(target::equals).isPresent()) {
                out.put(expression, form);
            }
        });
        return out;
    }

    /**
     * The kinds of date expression, drawn by {@link #render} with {@link #weight}s before an expression within the
     * kind: users write "besok" and "Jumat depan" far more often than "9/1", so the short relative forms must be
     * common in the data. (A uniform draw over every expression gave "besok"/"tomorrow" to only 40 of the 1,003
     * dated training messages, and a fine-tuned model that had never learnt "tomorrow" = R+1.)
     */
    public enum Form {
        /** hari ini, besok, bsk, lusa, kemarin, today, tomorrow, tmrw, the day after tomorrow, yesterday */
        DAY_WORD(36),
        /** Jumat, Jumat ini, hari Jumat, Jumat depan, Friday, this Friday, next Friday */
        WEEKDAY(22),
        /** 5 hari lagi, in 5 days */
        IN_DAYS(8),
        /** tgl 5, tanggal 5, on the 5th */
        DAY_OF_MONTH(10),
        /** 5 Januari, tgl 5 Jan, 5/1, Jan 5, January 5th */
        DAY_MONTH(16),
        /** akhir bulan, end of the month */
        END_OF_MONTH(3),
        /** 5 Januari 2025, 5/1/2025, January 5, 2025, 2025-01-05 */
        WITH_YEAR(5);

        private final int weight;

        Form(int weight) {
            this.weight = weight;
        }

        /** Relative frequency of this kind among the kinds that can express a given date. */
        public int weight() {
            return weight;
        }

        /**
         * The kind of an expression read back from text (a log line, a test message); the generator itself never
         * needs this, since the candidate builders record the kind of what they write.
         */
        public static Form of(String expression) {
            String e = expression.toLowerCase(Locale.ROOT);
            if (e.matches(".*\\d{4}.*")) {
                return WITH_YEAR;
            }
            if (e.startsWith("akhir") || e.startsWith("end of")) {
                return END_OF_MONTH;
            }
            if (RelativeDates.IN_DAYS.matcher(e).matches()) {
                return IN_DAYS;
            }
            if (DAY_WORDS.contains(e)) {
                return DAY_WORD;
            }
            if (!e.matches(".*\\d.*")) {
                return WEEKDAY;
            }
            return DAY_OF_MONTH_ONLY.matcher(e).matches() ? DAY_OF_MONTH : DAY_MONTH;
        }
    }

    private static final Set<String> DAY_WORDS = Set.of("hari ini", "besok", "bsk", "lusa", "kemarin", "today",
            "tomorrow", "tmrw", "the day after tomorrow", "yesterday");
    private static final Pattern DAY_OF_MONTH_ONLY = Pattern.compile("(?:tgl|tanggal|on the) \\d{1,2}(?:st|nd|rd|th)?");

    /**
     * One expression for {@code target}: a {@link Form} drawn by weight among those that can express it, then
     * one of that form's expressions uniformly.
     */
    public static String render(LocalDate target, LocalDate reference, Language language, Random random) {
        return render(target, reference, language, random, Form::weight);
    }

    /** {@link #render} with other weights for the kinds (a kind of weight 0 is never drawn). */
    public static String render(LocalDate target, LocalDate reference, Language language, Random random,
            ToIntFunction<Form> weight) {
        Map<Form, List<String>> byForm = new java.util.EnumMap<>(Form.class);
        expressionsByKind(target, reference, language)
                .forEach((e, form) -> byForm.computeIfAbsent(form, f -> new ArrayList<>()).add(e));
        int total = byForm.keySet().stream().mapToInt(weight).sum();
        if (total <= 0) {
            throw new IllegalArgumentException("no kind of expression for " + target + " has a positive weight");
        }
        int ticket = random.nextInt(total);
        for (Map.Entry<Form, List<String>> kind : byForm.entrySet()) {
            ticket -= weight.applyAsInt(kind.getKey());
            if (ticket < 0) {
                List<String> options = kind.getValue();
                return options.get(random.nextInt(options.size()));
            }
        }
        throw new AssertionError("weights exhausted");
    }

    /** The weekday's name: "Senin" / "Monday". */
    public static String weekdayName(java.time.DayOfWeek day, Language language) {
        return language.repliesInEnglish() ? day.getDisplayName(java.time.format.TextStyle.FULL, java.util.Locale.ENGLISH)
                : ID_WEEKDAYS[day.getValue() - 1];
    }

    /** A date written out in full for confirmations: "3 Desember 2024" / "3 December 2024". */
    public static String longForm(LocalDate date, Language language) {
        String[] months = language.repliesInEnglish() ? EN_MONTHS : ID_MONTHS;
        return date.getDayOfMonth() + " " + months[date.getMonthValue() - 1] + " " + date.getYear();
    }

    /** The weekday and the long form: "Selasa, 3 Desember 2024" / "Tuesday, 3 December 2024". */
    public static String weekdayAndLongForm(LocalDate date, Language language) {
        return weekdayName(date.getDayOfWeek(), language) + ", " + longForm(date, language);
    }

    /** {@link #weekdayAndLongForm} with the ISO date after it: "Senin, 8 Januari 2024 (2024-01-08)". */
    public static String dayInFull(LocalDate date, Language language) {
        return weekdayAndLongForm(date, language) + " (" + date + ")";
    }

    private static void indonesianCandidates(LocalDate t, LocalDate r, Map<String, Form> c) {
        long diff = ChronoUnit.DAYS.between(r, t);
        c.putIfAbsent("hari ini", Form.DAY_WORD);
        c.putIfAbsent("besok", Form.DAY_WORD);
        c.putIfAbsent("bsk", Form.DAY_WORD);
        c.putIfAbsent("lusa", Form.DAY_WORD);
        c.putIfAbsent("kemarin", Form.DAY_WORD);
        if (diff >= 3 && diff <= 30) {
            c.putIfAbsent(diff + " hari lagi", Form.IN_DAYS);
        }
        c.putIfAbsent("akhir bulan", Form.END_OF_MONTH);
        String wd = ID_WEEKDAYS[t.getDayOfWeek().getValue() - 1];
        if (t.getDayOfWeek() != DayOfWeek.SUNDAY) {
            c.putIfAbsent(wd, Form.WEEKDAY);
            c.putIfAbsent(wd + " ini", Form.WEEKDAY);
            c.putIfAbsent(wd + " depan", Form.WEEKDAY);
        }
        c.putIfAbsent("hari " + wd, Form.WEEKDAY);
        c.putIfAbsent("hari " + wd + " depan", Form.WEEKDAY);
        int d = t.getDayOfMonth();
        c.putIfAbsent("tgl " + d, Form.DAY_OF_MONTH);
        c.putIfAbsent("tanggal " + d, Form.DAY_OF_MONTH);
        c.putIfAbsent("tgl " + d + " " + ID_MONTHS_SHORT[t.getMonthValue() - 1], Form.DAY_MONTH);
        c.putIfAbsent("tanggal " + d + " " + ID_MONTHS[t.getMonthValue() - 1], Form.DAY_MONTH);
        c.putIfAbsent(d + " " + ID_MONTHS[t.getMonthValue() - 1], Form.DAY_MONTH);
        c.putIfAbsent(d + "/" + t.getMonthValue(), Form.DAY_MONTH);
        c.putIfAbsent(d + " " + ID_MONTHS[t.getMonthValue() - 1] + " " + t.getYear(), Form.WITH_YEAR);
        c.putIfAbsent(d + "/" + t.getMonthValue() + "/" + t.getYear(), Form.WITH_YEAR);
        c.putIfAbsent(t.toString(), Form.WITH_YEAR);
    }

    private static void englishCandidates(LocalDate t, LocalDate r, Map<String, Form> c) {
        long diff = ChronoUnit.DAYS.between(r, t);
        c.putIfAbsent("today", Form.DAY_WORD);
        c.putIfAbsent("tomorrow", Form.DAY_WORD);
        c.putIfAbsent("tmrw", Form.DAY_WORD);
        c.putIfAbsent("the day after tomorrow", Form.DAY_WORD);
        c.putIfAbsent("yesterday", Form.DAY_WORD);
        if (diff >= 3 && diff <= 30) {
            c.putIfAbsent("in " + diff + " days", Form.IN_DAYS);
        }
        c.putIfAbsent("end of the month", Form.END_OF_MONTH);
        String wd = t.getDayOfWeek().getDisplayName(java.time.format.TextStyle.FULL, Locale.ENGLISH);
        c.putIfAbsent(wd, Form.WEEKDAY);
        c.putIfAbsent("this " + wd, Form.WEEKDAY);
        c.putIfAbsent("next " + wd, Form.WEEKDAY);
        int d = t.getDayOfMonth();
        c.putIfAbsent("on the " + d + ordinal(d), Form.DAY_OF_MONTH);
        String month = EN_MONTHS[t.getMonthValue() - 1];
        c.putIfAbsent(d + " " + month.substring(0, 3), Form.DAY_MONTH);
        c.putIfAbsent(month.substring(0, 3) + " " + d, Form.DAY_MONTH);
        c.putIfAbsent(month + " " + d + ordinal(d), Form.DAY_MONTH);
        c.putIfAbsent(d + " " + month + " " + t.getYear(), Form.WITH_YEAR);
        c.putIfAbsent(month + " " + d + ", " + t.getYear(), Form.WITH_YEAR);
        c.putIfAbsent(t.toString(), Form.WITH_YEAR);
    }

    private static String ordinal(int d) {
        if (d >= 11 && d <= 13) {
            return "th";
        }
        return switch (d % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
    }
}
