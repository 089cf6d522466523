package org.finetune4j.tokenizer;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The functions Hugging Face adds to every chat template's environment ({@code raise_exception},
 * {@code strftime_now}). Jinjava calls them as static methods, so the state of the render in
 * progress (its clock, the message a template raised) lives in thread-locals that
 * {@link ChatTemplate#render} sets and clears around each render.
 */
public final class TemplateGlobals {
    private static final ThreadLocal<Clock> CLOCK = new ThreadLocal<>();
    private static final ThreadLocal<String> RAISED = new ThreadLocal<>();

    private TemplateGlobals() {}

    /** {@code raise_exception(msg)}: remembers the message; the render then fails with it. */
    public static String raiseException(Object message) {
        String text = String.valueOf(message);
        if (RAISED.get() == null) {
            RAISED.set(text);
        }
        throw new ChatTemplateException(text);
    }

    /** {@code strftime_now(fmt)}: the render's clock formatted with a Python strftime pattern. */
    public static String strftimeNow(String format) {
        Clock clock = CLOCK.get();
        return strftime(LocalDateTime.now(clock == null ? Clock.systemDefaultZone() : clock), format);
    }

    static void begin(Clock clock) {
        CLOCK.set(clock);
        RAISED.remove();
    }

    /** Ends a render and returns the message raised during it, or null. */
    static String end() {
        String raised = RAISED.get();
        RAISED.remove();
        CLOCK.remove();
        return raised;
    }

    /** Python's {@code datetime.strftime} for the C locale directives templates use. */
    static String strftime(LocalDateTime t, String format) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                b.append(c);
                continue;
            }
            char d = format.charAt(++i);
            b.append(switch (d) {
                case 'a' -> fmt(t, "EEE");
                case 'A' -> fmt(t, "EEEE");
                case 'b', 'h' -> fmt(t, "MMM");
                case 'B' -> fmt(t, "MMMM");
                case 'd' -> fmt(t, "dd");
                case 'e' -> String.format("%2d", t.getDayOfMonth());
                case 'm' -> fmt(t, "MM");
                case 'y' -> fmt(t, "yy");
                case 'Y' -> String.valueOf(t.getYear());
                case 'H' -> fmt(t, "HH");
                case 'I' -> fmt(t, "hh");
                case 'M' -> fmt(t, "mm");
                case 'S' -> fmt(t, "ss");
                case 'p' -> t.getHour() < 12 ? "AM" : "PM";
                case 'j' -> String.format("%03d", t.getDayOfYear());
                case 'f' -> String.format("%06d", t.getNano() / 1000);
                case '%' -> "%";
                default -> throw new ChatTemplateException("strftime_now: unsupported directive %" + d);
            });
        }
        return b.toString();
    }

    private static String fmt(LocalDateTime t, String pattern) {
        return DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH).format(t);
    }
}
