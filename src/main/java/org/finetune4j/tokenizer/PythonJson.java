package org.finetune4j.tokenizer;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes values as Python's {@code json.dumps(x, ensure_ascii=False, indent=..., sort_keys=...)}
 * does, because Hugging Face's {@code tojson} filter is exactly that call and the rendered prompt
 * must match what the model saw in training byte for byte.
 *
 * <p>Python's defaults: separators {@code ", "} and {@code ": "} without indent, {@code ","} and
 * {@code ": "} with indent; non-ASCII characters are kept as they are; control characters below
 * U+0020 are escaped ({@code \n}, {@code \t}, ... or <code>&#92;u00XX</code>).
 */
final class PythonJson {
    private PythonJson() {}

    /**
     * Serialises {@code value}.
     *
     * @param indent   null for a single line, otherwise spaces per level (0 puts each item on its own line)
     * @param sortKeys sort map keys by their string form
     */
    static String dumps(Object value, Integer indent, boolean sortKeys) {
        StringBuilder out = new StringBuilder();
        write(out, value, indent, sortKeys, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, Integer indent, boolean sortKeys, int level) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof CharSequence s) {
            writeString(out, s.toString());
        } else if (value instanceof Character c) {
            writeString(out, c.toString());
        } else if (value instanceof Number n) {
            out.append(number(n));
        } else if (value instanceof Map<?, ?> map) {
            writeMap(out, map, indent, sortKeys, level);
        } else if (value instanceof Iterable<?> it) {
            List<Object> items = new ArrayList<>();
            it.forEach(items::add);
            writeList(out, items, indent, sortKeys, level);
        } else if (value instanceof Object[] array) {
            writeList(out, List.of(array), indent, sortKeys, level);
        } else {
            throw new ChatTemplateException("tojson: cannot serialise a " + value.getClass().getName());
        }
    }

    private static void writeList(StringBuilder out, List<?> items, Integer indent, boolean sortKeys, int level) {
        if (items.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.append(indent == null ? ", " : ",");
            }
            newline(out, indent, level + 1);
            write(out, items.get(i), indent, sortKeys, level + 1);
        }
        newline(out, indent, level);
        out.append(']');
    }

    private static void writeMap(StringBuilder out, Map<?, ?> map, Integer indent, boolean sortKeys, int level) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        if (sortKeys) {
            entries.sort((a, b) -> key(a.getKey()).compareTo(key(b.getKey())));
        }
        out.append('{');
        Iterator<Map.Entry<?, ?>> it = entries.iterator();
        boolean first = true;
        while (it.hasNext()) {
            Map.Entry<?, ?> e = it.next();
            if (!first) {
                out.append(indent == null ? ", " : ",");
            }
            first = false;
            newline(out, indent, level + 1);
            writeString(out, key(e.getKey()));
            out.append(": ");
            write(out, e.getValue(), indent, sortKeys, level + 1);
        }
        newline(out, indent, level);
        out.append('}');
    }

    /** Python turns non-string keys into strings: None→"null", True→"true", numbers as written. */
    private static String key(Object k) {
        if (k == null) {
            return "null";
        }
        if (k instanceof Boolean || k instanceof Number) {
            return k instanceof Number n ? number(n) : k.toString();
        }
        return k.toString();
    }

    private static void newline(StringBuilder out, Integer indent, int level) {
        if (indent != null) {
            out.append('\n');
            out.append(" ".repeat(indent * level));
        }
    }

    private static void writeString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Integers as digits; floats like Python's {@code repr(float)}. */
    static String number(Number n) {
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
                || n instanceof BigInteger) {
            return n.toString();
        }
        if (n instanceof BigDecimal bd) {
            return pythonFloat(bd.doubleValue());
        }
        return pythonFloat(n.doubleValue());
    }

    private static String pythonFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        // Shortest round-tripping digits, then Python's layout: plain for 1e-4 <= |d| < 1e16.
        BigDecimal shortest = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        double abs = Math.abs(d);
        if (abs >= 1e-4 && abs < 1e16) {
            String plain = shortest.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = shortest.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - shortest.scale();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String sign = d < 0 ? "-" : "";
        String expSign = exponent < 0 ? "-" : "+";
        return sign + mantissa + "e" + expSign + String.format("%02d", Math.abs(exponent));
    }

    static boolean isPythonSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || (c >= 0x1c && c <= 0x1f) || c == 0x85;
    }

    static String strip(String s, String chars, boolean left, boolean right) {
        Objects.requireNonNull(s);
        int start = 0;
        int end = s.length();
        if (left) {
            while (start < end && stripped(s.charAt(start), chars)) {
                start++;
            }
        }
        if (right) {
            while (end > start && stripped(s.charAt(end - 1), chars)) {
                end--;
            }
        }
        return s.substring(start, end);
    }

    private static boolean stripped(char c, String chars) {
        return chars == null ? isPythonSpace(c) : chars.indexOf(c) >= 0;
    }
}
