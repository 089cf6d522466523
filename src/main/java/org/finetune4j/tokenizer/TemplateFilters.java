package org.finetune4j.tokenizer;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.util.Map;

/** Filters whose Jinjava versions differ from what Hugging Face's Python environment does. */
final class TemplateFilters {
    private TemplateFilters() {}

    /**
     * {@code tojson}: HF replaces Jinja's HTML-escaping filter with
     * {@code json.dumps(x, ensure_ascii=False, indent=indent, separators=separators, sort_keys=sort_keys)}.
     */
    static final class ToJson implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, (Object[]) args, Map.of());
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : (args.length > 0 ? args[0] : null);
            Object sortKeys = kwargs.get("sort_keys");
            Integer spaces = indent == null ? null : Integer.valueOf(indent.toString());
            return PythonJson.dumps(var, spaces, Boolean.TRUE.equals(sortKeys) || "true".equals(String.valueOf(sortKeys)));
        }
    }

    /** {@code trim}: Python's {@code str.strip()}, which removes Unicode whitespace only. */
    static final class Trim implements Filter {
        @Override
        public String getName() {
            return "trim";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) {
                return "";
            }
            String chars = args.length > 0 ? args[0] : null;
            return PythonJson.strip(var.toString(), chars, true, true);
        }
    }
}
