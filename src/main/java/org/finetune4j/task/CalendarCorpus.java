package org.finetune4j.task;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * General "world knowledge" text for pretraining the tiny base model: calendar notes, each stating a day and then
 * what date expressions mean relative to it, one per line ({@code "Jumat depan: 2024-01-19"}).
 *
 * <p>Why it exists: the task's date field must resolve "besok", "lusa", "Jumat depan" or "in 5 days" against the
 * reference date of the system prompt — date arithmetic with carries over month ends, which a real pretrained LLM
 * has seen in calendars and timetables. Buried in prose confirmations and transaction logs (a few relative dates
 * among names and amounts) it was never learnt: a base pretrained on 5.8 M such tokens wrote today's date for every
 * day word, and so did every model fine-tuned from it. Short, dense notes teach it directly (a probe: 300 extra
 * steps with these notes mixed in took the base from 21 to 211 of 300 drill dates right). The notes use the date
 * expressions of {@link RelativeDates} — shared by every split, like amounts — and no task request, name or amount.
 *
 * <p>A note starts with its day in one of three ways: the task's own reference-date line
 * ({@link TaskPrompts#referenceLine}), "Hari ini Senin, 8 Januari 2024 (2024-01-08)" or "Today is Monday, 8 January
 * 2024 (2024-01-08)". Its lines are in one {@link Style}: a list ("Jumat depan: 2024-01-19", now and then the
 * weekday and long form with the ISO date after it, the way the transaction logs write dates), sentences
 * ("jangan lupa arisan Jumat depan ya -> 2024-01-19") or sentences each followed by a JSON record
 * ({@code {"event":"arisan","date":"2024-01-19"}}). The list alone taught the date only right after its
 * expression (a probe: 211 of 300 such dates right, yet the same base still wrote today's date for "besok" one line
 * above a transaction record), so two thirds of the notes put a sentence between them.
 */
public final class CalendarCorpus {

    private static final LocalDate FIRST_DAY = LocalDate.of(2023, 6, 1);
    private static final int SPAN_DAYS = 4 * 365;

    /**
     * How often each kind of expression is drawn, among those that can express a line's date: the kinds that need
     * arithmetic beyond a copy (weekdays, "N hari lagi", day words) far more often than users write them, the ones
     * that are nearly a copy ("5 Januari") rarely.
     */
    static int drillWeight(RelativeDates.Form form) {
        return switch (form) {
            case DAY_WORD -> 30;
            case WEEKDAY -> 35;
            case IN_DAYS -> 20;
            case DAY_OF_MONTH, DAY_MONTH -> 5;
            case END_OF_MONTH -> 3;
            case WITH_YEAR -> 2;
        };
    }

    private CalendarCorpus() {
    }

    /** {@code count} notes of three to nine dated lines each; the same seed gives the same notes. */
    public static List<String> documents(long seed, int count) {
        Random r = new Random(seed * 131 + 17);
        List<String> docs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            LocalDate today = FIRST_DAY.plusDays(r.nextInt(SPAN_DAYS));
            Language lang = r.nextBoolean() ? Language.ID : Language.EN;
            StringBuilder sb = new StringBuilder();
            switch (r.nextInt(3)) {
                case 0 -> sb.append(TaskPrompts.referenceLine(today));
                case 1 -> sb.append("Hari ini ").append(RelativeDates.dayInFull(today, Language.ID));
                default -> sb.append("Today is ").append(RelativeDates.dayInFull(today, Language.EN));
            }
            Style style = Style.values()[r.nextInt(Style.values().length)];
            int lines = style == Style.RECORD ? 3 + r.nextInt(3) : 6 + r.nextInt(4);
            for (int k = 0; k < lines; k++) {
                LocalDate date = today.plusDays(offset(r));
                Language lineLang = r.nextInt(5) == 0 ? (lang == Language.ID ? Language.EN : Language.ID) : lang;
                String when = RelativeDates.render(date, today, lineLang, r, CalendarCorpus::drillWeight);
                sb.append('\n');
                switch (style) {
                    case LIST -> sb.append(when).append(": ")
                            .append(r.nextInt(4) == 0 ? RelativeDates.dayInFull(date, lineLang) : date.toString());
                    case SENTENCE -> sb.append(sentence(when, lineLang, r)).append(" -> ").append(date);
                    case RECORD -> {
                        String event = event(lineLang, r);
                        sb.append(sentence(when, event, lineLang, r)).append('\n')
                                .append("{\"event\":\"").append(event).append("\",\"date\":\"").append(date)
                                .append("\"}");
                    }
                }
            }
            docs.add(sb.toString());
        }
        return docs;
    }

    /**
     * How a note writes its lines. The list puts each expression right before its date; the sentence and the record
     * put the expression somewhere inside an everyday sentence and the date after it, the record as a JSON object on
     * the next line — the distance the task's answer has between "besok" in the message and its {@code "date"}.
     */
    enum Style { LIST, SENTENCE, RECORD }

    private static final List<String> EVENTS_ID = List.of("rapat tim", "ulang tahun Ibu", "jadwal dokter gigi",
            "arisan", "libur kantor", "gajian", "kumpul keluarga", "servis motor", "ujian", "pindahan rumah",
            "nonton konser", "acara kantor", "les piano", "kontrol ke dokter", "reuni sekolah", "jalan ke Bandung");
    private static final List<String> EVENTS_EN = List.of("team meeting", "dentist appointment", "mom's birthday",
            "payday", "the exam", "the flight to Bali", "family dinner", "car service", "the concert", "moving day",
            "the school trip", "piano lesson", "the doctor's check-up", "the class reunion", "the office party",
            "the football match");

    static String event(Language lang, Random r) {
        List<String> events = lang == Language.EN ? EVENTS_EN : EVENTS_ID;
        return events.get(r.nextInt(events.size()));
    }

    private static String sentence(String when, Language lang, Random r) {
        return sentence(when, event(lang, r), lang, r);
    }

    /** An everyday sentence with the date expression before, inside or after it. */
    static String sentence(String when, String event, Language lang, Random r) {
        if (lang == Language.EN) {
            return switch (r.nextInt(4)) {
                case 0 -> event + " is " + when;
                case 1 -> when + " we have " + event;
                case 2 -> "don't forget " + event + " " + when + "!";
                default -> event + " moved to " + when + ", ok?";
            };
        }
        return switch (r.nextInt(4)) {
            case 0 -> event + " " + when;
            case 1 -> when + " ada " + event;
            case 2 -> "jangan lupa " + event + " " + when + " ya";
            default -> event + " jadinya " + when + " kok";
        };
    }

    /** Days from the note's day to a line's date: 35 % yesterday..day after tomorrow, 45 % 3..13 days, 20 % 14..40. */
    private static int offset(Random r) {
        int k = r.nextInt(100);
        return k < 35 ? r.nextInt(4) - 1 : k < 80 ? 3 + r.nextInt(11) : 14 + r.nextInt(27);
    }
}
