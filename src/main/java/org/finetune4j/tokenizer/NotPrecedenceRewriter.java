package org.finetune4j.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rewrites a Jinja source so that Jinjava gives the unary {@code not} Python's precedence.
 *
 * <p>In Jinja2 (as in Python) {@code not} binds more loosely than comparisons, tests and filters:
 * {@code not x is defined} means {@code not (x is defined)} and {@code not a|length == 1} means
 * {@code not ((a|length) == 1)}. Jinjava's expression language binds {@code not} tightly, so
 * {@code (not x) is defined} is always true and Llama 3's {@code {% if not date_string is defined %}}
 * silently replaces a date the caller passed. This pass wraps the operand of every unary {@code not}
 * inside {@code {{ }}} and {@code {% %}} tags in parentheses, up to the first {@code and}, {@code or},
 * {@code if}, {@code else}, comma, colon or closing bracket at the same nesting depth — exactly the
 * extent of Python's {@code not_test}. The binary forms {@code not in} and {@code is not} are left alone.
 * Template text, comments and string literals are never changed.
 */
final class NotPrecedenceRewriter {
    private static final Set<String> OPERATOR_WORDS =
            Set.of("and", "or", "not", "if", "elif", "else", "in", "is", "set", "for", "return", "with");
    private static final Set<String> STOP_WORDS = Set.of("and", "or", "if", "else", "for", "recursive");

    private NotPrecedenceRewriter() {}

    static String rewrite(String source) {
        StringBuilder out = new StringBuilder(source.length() + 16);
        int i = 0;
        int n = source.length();
        while (i < n) {
            int open = nextTag(source, i);
            if (open < 0) {
                out.append(source, i, n);
                break;
            }
            out.append(source, i, open);
            char kind = source.charAt(open + 1);
            if (kind == '#') {
                int close = source.indexOf("#}", open + 2);
                int end = close < 0 ? n : close + 2;
                out.append(source, open, end);
                i = end;
                continue;
            }
            String closer = kind == '{' ? "}}" : "%}";
            int close = findClose(source, open + 2, closer);
            if (close < 0) {
                out.append(source, open, n);
                break;
            }
            int bodyStart = open + 2;
            if (bodyStart < close && (source.charAt(bodyStart) == '-' || source.charAt(bodyStart) == '+')) {
                bodyStart++;
            }
            int bodyEnd = close;
            if (bodyEnd > bodyStart && (source.charAt(bodyEnd - 1) == '-' || source.charAt(bodyEnd - 1) == '+')) {
                bodyEnd--;
            }
            out.append(source, open, bodyStart);
            out.append(rewriteExpression(source.substring(bodyStart, bodyEnd)));
            out.append(source, bodyEnd, close + 2);
            i = close + 2;
        }
        return out.toString();
    }

    private static int nextTag(String s, int from) {
        for (int i = s.indexOf('{', from); i >= 0 && i + 1 < s.length(); i = s.indexOf('{', i + 1)) {
            char c = s.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
        }
        return -1;
    }

    /** Index of the closing delimiter, skipping string literals. */
    private static int findClose(String s, int from, String closer) {
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i = skipString(s, i);
            } else if (s.startsWith(closer, i)) {
                return i;
            } else {
                i++;
            }
        }
        return -1;
    }

    private static int skipString(String s, int start) {
        char quote = s.charAt(start);
        int i = start + 1;
        while (i < s.length() && s.charAt(i) != quote) {
            i += s.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(i + 1, s.length());
    }

    private enum Kind { WORD, LITERAL, OPEN, CLOSE, SEPARATOR, OPERATOR }

    private record Token(Kind kind, String text, int start, int end) {}

    private static List<Token> tokenize(String e) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < e.length()) {
            char c = e.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'' || c == '"') {
                int end = skipString(e, i);
                tokens.add(new Token(Kind.LITERAL, e.substring(i, end), i, end));
                i = end;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < e.length() && (Character.isLetterOrDigit(e.charAt(j)) || e.charAt(j) == '_')) {
                    j++;
                }
                tokens.add(new Token(Kind.WORD, e.substring(i, j), i, j));
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i;
                while (j < e.length() && (Character.isLetterOrDigit(e.charAt(j)) || e.charAt(j) == '.')) {
                    j++;
                }
                tokens.add(new Token(Kind.LITERAL, e.substring(i, j), i, j));
                i = j;
            } else {
                Kind kind = switch (c) {
                    case '(', '[', '{' -> Kind.OPEN;
                    case ')', ']', '}' -> Kind.CLOSE;
                    case ',', ':' -> Kind.SEPARATOR;
                    default -> Kind.OPERATOR;
                };
                tokens.add(new Token(kind, String.valueOf(c), i, i + 1));
                i++;
            }
        }
        return tokens;
    }

    /** Wraps the operand of each unary {@code not} of one tag body in parentheses. */
    static String rewriteExpression(String body) {
        List<Token> tokens = tokenize(body);
        // insertions[k] = text to insert before character k of body
        StringBuilder[] insert = new StringBuilder[body.length() + 1];
        for (int t = 0; t < tokens.size(); t++) {
            Token tok = tokens.get(t);
            if (tok.kind() != Kind.WORD || !tok.text().equals("not") || !isUnaryPosition(tokens, t)) {
                continue;
            }
            if (t + 1 >= tokens.size()) {
                continue;
            }
            int end = operandEnd(tokens, t + 1, body.length());
            int start = tokens.get(t + 1).start();
            if (tokens.get(t + 1).kind() == Kind.OPEN && matchingClose(tokens, t + 1) == end) {
                continue; // already parenthesised
            }
            append(insert, start, "(");
            append(insert, end, ")");
        }
        StringBuilder out = new StringBuilder(body.length() + 8);
        for (int k = 0; k <= body.length(); k++) {
            if (insert[k] != null) {
                out.append(insert[k]);
            }
            if (k < body.length()) {
                out.append(body.charAt(k));
            }
        }
        return out.toString();
    }

    private static void append(StringBuilder[] insert, int at, String text) {
        if (insert[at] == null) {
            insert[at] = new StringBuilder();
        }
        // closing parentheses go before opening ones at the same spot
        if (text.equals(")")) {
            insert[at].insert(0, text);
        } else {
            insert[at].append(text);
        }
    }

    private static boolean isUnaryPosition(List<Token> tokens, int t) {
        if (t == 0) {
            return true;
        }
        Token prev = tokens.get(t - 1);
        return switch (prev.kind()) {
            case OPEN, SEPARATOR, OPERATOR -> true;
            case LITERAL, CLOSE -> false;
            case WORD -> OPERATOR_WORDS.contains(prev.text()) && !prev.text().equals("is");
        };
    }

    /** Character index where the operand starting at token {@code from} ends. */
    private static int operandEnd(List<Token> tokens, int from, int bodyLength) {
        int depth = 0;
        for (int t = from; t < tokens.size(); t++) {
            Token tok = tokens.get(t);
            switch (tok.kind()) {
                case OPEN -> depth++;
                case CLOSE -> {
                    if (depth == 0) {
                        return tok.start();
                    }
                    depth--;
                }
                case SEPARATOR -> {
                    if (depth == 0) {
                        return tok.start();
                    }
                }
                case WORD -> {
                    if (depth == 0 && STOP_WORDS.contains(tok.text())) {
                        return tok.start();
                    }
                }
                case OPERATOR -> {
                    if (depth == 0 && tok.text().equals("=") && !isComparison(tokens, t)) {
                        return tok.start();
                    }
                }
                default -> { }
            }
        }
        return tokens.isEmpty() ? bodyLength : tokens.get(tokens.size() - 1).end();
    }

    /** An {@code =} that belongs to {@code ==}, {@code !=}, {@code <=} or {@code >=}. */
    private static boolean isComparison(List<Token> tokens, int t) {
        Token tok = tokens.get(t);
        boolean joinedNext = t + 1 < tokens.size() && tokens.get(t + 1).start() == tok.end()
                && tokens.get(t + 1).text().equals("=");
        boolean joinedPrev = t > 0 && tokens.get(t - 1).end() == tok.start()
                && "=!<>".contains(tokens.get(t - 1).text());
        return joinedNext || joinedPrev;
    }

    private static int matchingClose(List<Token> tokens, int openIndex) {
        int depth = 0;
        for (int t = openIndex; t < tokens.size(); t++) {
            Token tok = tokens.get(t);
            if (tok.kind() == Kind.OPEN) {
                depth++;
            } else if (tok.kind() == Kind.CLOSE && --depth == 0) {
                return tok.end();
            }
        }
        return -1;
    }
}
