package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RelativeDatesTest {

    /** Expected dates worked out on a calendar; 2024-11-27 is a Wednesday. */
    @ParameterizedTest(name = "{1} at {0} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            2024-11-27 | hari ini               | 2024-11-27
            2024-11-27 | today                  | 2024-11-27
            2024-11-27 | besok                  | 2024-11-28
            2024-11-27 | BSK                    | 2024-11-28
            2024-11-27 | tomorrow               | 2024-11-28
            2024-11-27 | lusa                   | 2024-11-29
            2024-11-27 | the day after tomorrow | 2024-11-29
            2024-11-27 | kemarin                | 2024-11-26
            2024-11-27 | yesterday              | 2024-11-26
            2024-11-27 | 5 hari lagi            | 2024-12-02
            2024-11-27 | in 10 days             | 2024-12-07
            2024-11-27 | Jumat                  | 2024-11-29
            2024-11-27 | jumat ini              | 2024-11-29
            2024-11-27 | this Friday            | 2024-11-29
            2024-11-27 | pada hari Jumat        | 2024-11-29
            2024-11-27 | on Friday              | 2024-11-29
            2024-11-27 | Rabu                   | 2024-11-27
            2024-11-27 | Selasa                 | 2024-12-03
            2024-11-27 | Jumat depan            | 2024-12-06
            2024-11-27 | next Friday            | 2024-12-06
            2024-11-27 | next Monday            | 2024-12-02
            2024-11-27 | senin depan            | 2024-12-02
            2024-11-27 | hari Minggu            | 2024-12-01
            2024-11-27 | hari minggu depan      | 2024-12-08
            2024-11-27 | next Sunday            | 2024-12-08
            2024-11-29 | Friday                 | 2024-11-29
            2024-11-29 | next Friday            | 2024-12-06
            2024-12-01 | next Monday            | 2024-12-02
            2024-12-01 | Senin                  | 2024-12-02
            2024-11-27 | tgl 5                  | 2024-12-05
            2024-11-27 | tanggal 27             | 2024-11-27
            2024-11-27 | tgl 26                 | 2024-12-26
            2024-11-27 | tgl. 31                | 2024-12-31
            2024-11-27 | on the 3rd             | 2024-12-03
            2024-04-15 | tgl 31                 | 2024-05-31
            2025-01-31 | tanggal 30             | 2025-03-30
            2024-11-27 | 3 Dec                  | 2024-12-03
            2024-11-27 | Dec 3rd                | 2024-12-03
            2024-11-27 | the 3rd of December    | 2024-12-03
            2024-11-27 | tanggal 12 Januari     | 2025-01-12
            2024-11-27 | tgl 5 agu              | 2025-08-05
            2024-11-27 | 26 Nov                 | 2025-11-26
            2024-11-27 | 3/12                   | 2024-12-03
            2024-11-27 | 12 Januari 2024        | 2024-01-12
            2024-11-27 | December 3, 2024       | 2024-12-03
            2024-11-27 | 3/12/2025              | 2025-12-03
            2024-11-27 | 2024-12-25             | 2024-12-25
            2025-03-01 | 29 Feb                 | 2028-02-29
            2024-11-27 | akhir bulan            | 2024-11-30
            2024-02-10 | end of the month       | 2024-02-29
            """)
    void resolvesByTheDocumentedRules(String reference, String expression, String expected) {
        assertEquals(Optional.of(LocalDate.parse(expected)),
                RelativeDates.resolve(expression, LocalDate.parse(reference)));
    }

    @Test
    void rejectsNonDatesAndImpossibleDates() {
        LocalDate r = LocalDate.parse("2024-11-27");
        for (String s : List.of("minggu depan", "minggu", "budi", "tgl 32", "31/2/2024", "30 Februari", "13/13",
                "next week", "", "2024-13-01")) {
            assertEquals(Optional.empty(), RelativeDates.resolve(s, r), s);
        }
    }

    @Test
    void everyRenderedExpressionMeansTheTarget() {
        Random rnd = new Random(5);
        for (int i = 0; i < 400; i++) {
            LocalDate r = LocalDate.of(2024, 1, 1).plusDays(rnd.nextInt(800));
            int offset = rnd.nextInt(120) - 1;
            LocalDate t = r.plusDays(offset);
            for (Language lang : Language.values()) {
                List<String> forms = RelativeDates.expressions(t, r, lang);
                assertFalse(forms.isEmpty());
                String e = RelativeDates.render(t, r, lang, new Random(i));
                assertTrue(forms.contains(e));
                assertEquals(Optional.of(t), RelativeDates.resolve(e, r), e + " at " + r);
                // forms expected from the rules, decided independently of the candidate list
                if (offset == 1) {
                    assertTrue(forms.contains(lang == Language.EN ? "tomorrow" : "besok"), forms::toString);
                }
                if (offset >= 0 && offset < 28) {
                    assertTrue(lang == Language.EN ? forms.contains("on the " + t.getDayOfMonth() + ordinal(t))
                            : forms.contains("tgl " + t.getDayOfMonth()), forms::toString);
                }
                boolean nextWeek = t.isAfter(r.with(DayOfWeek.SUNDAY)) && !t.isAfter(r.with(DayOfWeek.SUNDAY).plusDays(7));
                if (lang == Language.EN) {
                    String name = t.getDayOfWeek().getDisplayName(java.time.format.TextStyle.FULL, java.util.Locale.ENGLISH);
                    assertEquals(nextWeek, forms.contains("next " + name), () -> t + " / " + r + " " + forms);
                }
            }
        }
    }

    @Test
    void theKindEachBuilderRecordsIsTheKindItsWordingReadsAs() {
        // The generator draws by the kind the candidate builders record; Form.of reads it back from logged text.
        // The two must agree on every expression, or a logged day word would be counted as a weekday.
        LocalDate r = LocalDate.of(2024, 1, 8);
        int checked = 0;
        for (int offset = -1; offset <= 60; offset++) {
            for (Language lang : Language.values()) {
                for (var e : RelativeDates.expressionsByKind(r.plusDays(offset), r, lang).entrySet()) {
                    assertEquals(RelativeDates.Form.of(e.getKey()), e.getValue(), e::getKey);
                    checked++;
                }
            }
        }
        assertTrue(checked > 1000, "expressions checked: " + checked);
    }

    @Test
    void formsAreClassifiedByTheirWording() {
        assertEquals(RelativeDates.Form.DAY_WORD, RelativeDates.Form.of("besok"));
        assertEquals(RelativeDates.Form.DAY_WORD, RelativeDates.Form.of("the day after tomorrow"));
        assertEquals(RelativeDates.Form.WEEKDAY, RelativeDates.Form.of("hari Minggu depan"));
        assertEquals(RelativeDates.Form.WEEKDAY, RelativeDates.Form.of("this Friday"));
        assertEquals(RelativeDates.Form.IN_DAYS, RelativeDates.Form.of("12 hari lagi"));
        assertEquals(RelativeDates.Form.IN_DAYS, RelativeDates.Form.of("in 3 days"));
        assertEquals(RelativeDates.Form.DAY_OF_MONTH, RelativeDates.Form.of("tgl 5"));
        assertEquals(RelativeDates.Form.DAY_OF_MONTH, RelativeDates.Form.of("on the 21st"));
        assertEquals(RelativeDates.Form.DAY_MONTH, RelativeDates.Form.of("tgl 5 Jan"));
        assertEquals(RelativeDates.Form.DAY_MONTH, RelativeDates.Form.of("5/1"));
        assertEquals(RelativeDates.Form.DAY_MONTH, RelativeDates.Form.of("January 5th"));
        assertEquals(RelativeDates.Form.END_OF_MONTH, RelativeDates.Form.of("akhir bulan"));
        assertEquals(RelativeDates.Form.WITH_YEAR, RelativeDates.Form.of("5/1/2025"));
        assertEquals(RelativeDates.Form.WITH_YEAR, RelativeDates.Form.of("2025-01-05"));
    }

    @Test
    void renderDrawsTheFormsByWeight() {
        // tomorrow in Indonesian: day words (besok, bsk) 36 of the 89 weight units that can express it
        LocalDate r = LocalDate.of(2024, 3, 12);
        Map<RelativeDates.Form, Integer> counts = new java.util.EnumMap<>(RelativeDates.Form.class);
        Random rnd = new Random(11);
        int n = 4000;
        for (int i = 0; i < n; i++) {
            counts.merge(RelativeDates.Form.of(RelativeDates.render(r.plusDays(1), r, Language.ID, rnd)), 1,
                    Integer::sum);
        }
        assertEquals(36.0 / 89, counts.get(RelativeDates.Form.DAY_WORD) / (double) n, 0.03, counts::toString);
        assertEquals(22.0 / 89, counts.get(RelativeDates.Form.WEEKDAY) / (double) n, 0.03, counts::toString);
        assertEquals(5.0 / 89, counts.get(RelativeDates.Form.WITH_YEAR) / (double) n, 0.02, counts::toString);
        assertFalse(counts.containsKey(RelativeDates.Form.IN_DAYS), "tomorrow is not 'N hari lagi' (N >= 3)");
        // ten days ahead: no day word can say it, "10 hari lagi" can
        counts.clear();
        for (int i = 0; i < n; i++) {
            counts.merge(RelativeDates.Form.of(RelativeDates.render(r.plusDays(10), r, Language.EN, rnd)), 1,
                    Integer::sum);
        }
        assertFalse(counts.containsKey(RelativeDates.Form.DAY_WORD), counts::toString);
        assertTrue(counts.getOrDefault(RelativeDates.Form.IN_DAYS, 0) > n / 20, counts::toString);
    }

    @Test
    void longFormIsInTheReplyLanguage() {
        assertEquals("3 Desember 2024", RelativeDates.longForm(LocalDate.parse("2024-12-03"), Language.ID));
        assertEquals("3 December 2024", RelativeDates.longForm(LocalDate.parse("2024-12-03"), Language.EN));
    }

    private static String ordinal(LocalDate t) {
        int d = t.getDayOfMonth();
        return d >= 11 && d <= 13 ? "th" : d % 10 == 1 ? "st" : d % 10 == 2 ? "nd" : d % 10 == 3 ? "rd" : "th";
    }
}
