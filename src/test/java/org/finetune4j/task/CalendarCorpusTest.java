package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CalendarCorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ISO = Pattern.compile("\\((\\d{4}-\\d{2}-\\d{2})\\)$|^(\\d{4}-\\d{2}-\\d{2})$");

    @Test
    void sameSeedSameNotesOtherSeedOtherNotes() {
        assertEquals(CalendarCorpus.documents(3, 40), CalendarCorpus.documents(3, 40));
        assertNotEquals(CalendarCorpus.documents(3, 40), CalendarCorpus.documents(4, 40));
    }

    /**
     * Every line's answer is the date its expression means against the note's day, read back by the task's own
     * resolver; the day is stated in one of the three header forms, the task's reference line among them; all three
     * styles occur.
     */
    @Test
    void everyLineResolvesToTheDateItStates() throws Exception {
        Map<RelativeDates.Form, Integer> kinds = new EnumMap<>(RelativeDates.Form.class);
        Map<CalendarCorpus.Style, Integer> styles = new EnumMap<>(CalendarCorpus.Style.class);
        int lines = 0;
        int referenceHeaders = 0;
        int longForms = 0;
        for (String note : CalendarCorpus.documents(42, 600)) {
            List<String> rows = note.lines().toList();
            LocalDate today = headerDate(rows.get(0));
            if (rows.get(0).equals(TaskPrompts.referenceLine(today))) {
                referenceHeaders++;
            } else {
                assertTrue(rows.get(0).equals("Hari ini " + RelativeDates.dayInFull(today, Language.ID))
                        || rows.get(0).equals("Today is " + RelativeDates.dayInFull(today, Language.EN)), rows.get(0));
            }
            CalendarCorpus.Style style = rows.get(1).contains(" -> ") ? CalendarCorpus.Style.SENTENCE
                    : rows.get(2).startsWith("{") ? CalendarCorpus.Style.RECORD : CalendarCorpus.Style.LIST;
            styles.merge(style, 1, Integer::sum);
            for (int i = 1; i < rows.size(); i += style == CalendarCorpus.Style.RECORD ? 2 : 1) {
                String row = rows.get(i);
                lines++;
                switch (style) {
                    case LIST -> {
                        int colon = row.indexOf(": ");
                        String expression = row.substring(0, colon);
                        String answer = row.substring(colon + 2);
                        LocalDate stated = answerDate(answer);
                        assertEquals(stated, RelativeDates.resolve(expression, today).orElseThrow(), () -> today + " " + row);
                        if (!answer.equals(stated.toString())) {
                            longForms++;
                            assertTrue(answer.equals(RelativeDates.dayInFull(stated, Language.ID))
                                    || answer.equals(RelativeDates.dayInFull(stated, Language.EN)), row);
                        }
                        kinds.merge(RelativeDates.Form.of(expression), 1, Integer::sum);
                    }
                    case SENTENCE -> {
                        int arrow = row.lastIndexOf(" -> ");
                        assertSaysDate(row.substring(0, arrow), LocalDate.parse(row.substring(arrow + 4)), today);
                    }
                    case RECORD -> {
                        JsonNode record = JSON.readTree(rows.get(i + 1));
                        List<String> keys = new java.util.ArrayList<>();
                        record.fieldNames().forEachRemaining(keys::add);
                        assertEquals(List.of("event", "date"), keys);
                        assertTrue(row.contains(record.get("event").asText()), row + " / " + record);
                        assertSaysDate(row, LocalDate.parse(record.get("date").asText()), today);
                    }
                }
            }
        }
        for (CalendarCorpus.Style s : CalendarCorpus.Style.values()) {
            assertTrue(styles.getOrDefault(s, 0) > 150, styles::toString);
        }
        assertTrue(referenceHeaders > 150 && referenceHeaders < 250, "task reference-line headers: " + referenceHeaders);
        int listLines = kinds.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(longForms > listLines / 6 && longForms < listLines / 3, "long forms: " + longForms + " of " + listLines);
        // the kinds that need arithmetic dominate: weekdays, "N hari lagi" and day words over 70 % of the lines
        int arithmetic = kinds.getOrDefault(RelativeDates.Form.WEEKDAY, 0)
                + kinds.getOrDefault(RelativeDates.Form.IN_DAYS, 0) + kinds.getOrDefault(RelativeDates.Form.DAY_WORD, 0);
        assertTrue(arithmetic > 0.7 * listLines, kinds + " of " + listLines);
        assertTrue(kinds.getOrDefault(RelativeDates.Form.IN_DAYS, 0) > 0.1 * listLines, kinds::toString);
        assertTrue(lines > 600 * 4, "dated lines: " + lines);
    }

    /** Some expression of {@code date} (either language) is in the sentence; each one found resolves to it. */
    private static void assertSaysDate(String sentence, LocalDate date, LocalDate today) {
        boolean found = false;
        for (String e : RelativeDates.expressions(date, today, Language.MIX)) {
            found |= sentence.contains(e);
        }
        assertTrue(found, () -> today + ": " + sentence + " -> " + date);
    }

    @Test
    void aKindOfWeightZeroIsNeverDrawn() {
        LocalDate r = LocalDate.of(2024, 1, 8);
        java.util.Random rnd = new java.util.Random(1);
        for (int i = 0; i < 200; i++) {
            String e = RelativeDates.render(r.plusDays(1), r, Language.ID, rnd,
                    f -> f == RelativeDates.Form.DAY_WORD ? 0 : 1);
            assertNotEquals(RelativeDates.Form.DAY_WORD, RelativeDates.Form.of(e), e);
        }
    }

    private static LocalDate headerDate(String header) {
        Matcher m = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})").matcher(header);
        assertTrue(m.find(), header);
        return LocalDate.parse(m.group(1));
    }

    private static LocalDate answerDate(String answer) {
        Matcher m = ISO.matcher(answer);
        assertTrue(m.find(), answer);
        return LocalDate.parse(m.group(1) != null ? m.group(1) : m.group(2));
    }
}
