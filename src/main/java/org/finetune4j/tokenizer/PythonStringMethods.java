package org.finetune4j.tokenizer;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Lets templates call Python's {@code str} methods ({@code content.strip()},
 * {@code role.startswith('sys')}, {@code text.split('\n')}, ...) on Java strings.
 *
 * <p>Jinjava evaluates {@code x.m(...)} by calling the Java method {@code m} on {@code x}; Hugging Face
 * templates are written against Python strings, so the Python names (and Python semantics, for
 * example {@code strip()} removing Python whitespace) are resolved here before Jinjava's bean resolver
 * sees them. Only method calls on strings are handled; everything else is left to the next resolver.
 */
final class PythonStringMethods extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof String s) || method == null) {
            return null;
        }
        Object[] args = params == null ? new Object[0] : params;
        Object result = call(s, method.toString(), args);
        if (result != NOT_HANDLED) {
            context.setPropertyResolved(true);
            return result;
        }
        return null;
    }

    private static final Object NOT_HANDLED = new Object();

    private static Object call(String s, String name, Object[] a) {
        switch (name) {
            case "strip":
                return PythonJson.strip(s, chars(a), true, true);
            case "lstrip":
                return PythonJson.strip(s, chars(a), true, false);
            case "rstrip":
                return PythonJson.strip(s, chars(a), false, true);
            case "startswith":
                return matchesAny(s, a, true);
            case "endswith":
                return matchesAny(s, a, false);
            case "upper":
                return s.toUpperCase(Locale.ROOT);
            case "lower":
                return s.toLowerCase(Locale.ROOT);
            case "title":
                return title(s);
            case "capitalize":
                return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            case "replace":
                return replace(s, str(a, 0), str(a, 1), a.length > 2 ? ((Number) a[2]).intValue() : -1);
            case "split":
                return split(s, a.length > 0 && a[0] != null ? a[0].toString() : null,
                        a.length > 1 ? ((Number) a[1]).intValue() : -1);
            case "find":
                return (long) s.indexOf(str(a, 0));
            case "count":
                return (long) count(s, str(a, 0));
            case "join":
                return join(s, a.length > 0 ? a[0] : null);
            case "isdigit":
                return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            case "isspace":
                return !s.isEmpty() && s.chars().allMatch(PythonJson::isPythonSpace);
            default:
                return NOT_HANDLED;
        }
    }

    private static String chars(Object[] a) {
        return a.length > 0 && a[0] != null ? a[0].toString() : null;
    }

    private static String str(Object[] a, int i) {
        if (a.length <= i || a[i] == null) {
            throw new ChatTemplateException("string method is missing argument " + (i + 1));
        }
        return a[i].toString();
    }

    private static boolean matchesAny(String s, Object[] a, boolean prefix) {
        if (a.length == 0) {
            throw new ChatTemplateException((prefix ? "startswith" : "endswith") + "() takes at least 1 argument");
        }
        List<Object> candidates = new ArrayList<>();
        if (a[0] instanceof Iterable<?> it) {
            it.forEach(candidates::add);
        } else {
            candidates.add(a[0]);
        }
        for (Object c : candidates) {
            String t = String.valueOf(c);
            if (prefix ? s.startsWith(t) : s.endsWith(t)) {
                return true;
            }
        }
        return false;
    }

    private static String title(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(previousCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
            previousCased = Character.isLetter(c);
        }
        return b.toString();
    }

    private static String replace(String s, String old, String replacement, int count) {
        if (count < 0) {
            return s.replace(old, replacement);
        }
        StringBuilder b = new StringBuilder();
        int from = 0;
        int done = 0;
        while (done < count) {
            int at = s.indexOf(old, from);
            if (at < 0 || old.isEmpty()) {
                break;
            }
            b.append(s, from, at).append(replacement);
            from = at + old.length();
            done++;
        }
        return b.append(s.substring(from)).toString();
    }

    /** Python's {@code str.split}: with no separator, splits on runs of whitespace and drops empties. */
    private static List<String> split(String s, String sep, int maxSplit) {
        List<String> parts = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (i < n) {
                while (i < n && PythonJson.isPythonSpace(s.charAt(i))) {
                    i++;
                }
                if (i >= n) {
                    break;
                }
                if (maxSplit >= 0 && parts.size() == maxSplit) {
                    parts.add(PythonJson.strip(s.substring(i), null, false, true));
                    return parts;
                }
                int j = i;
                while (j < n && !PythonJson.isPythonSpace(s.charAt(j))) {
                    j++;
                }
                parts.add(s.substring(i, j));
                i = j;
            }
            return parts;
        }
        if (sep.isEmpty()) {
            throw new ChatTemplateException("split(): empty separator");
        }
        int from = 0;
        while (maxSplit < 0 || parts.size() < maxSplit) {
            int at = s.indexOf(sep, from);
            if (at < 0) {
                break;
            }
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    private static int count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1;
        }
        int n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    private static String join(String sep, Object items) {
        if (!(items instanceof Iterable<?> it)) {
            throw new ChatTemplateException("join() needs a list");
        }
        StringBuilder b = new StringBuilder();
        boolean first = true;
        for (Object o : it) {
            if (!first) {
                b.append(sep);
            }
            first = false;
            b.append(o);
        }
        return b.toString();
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return Collections.emptyIterator();
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // not ours: the next resolver handles assignment
    }
}
