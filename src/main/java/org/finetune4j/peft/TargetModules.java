package org.finetune4j.peft;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.finetune4j.model.LinearLayer;
import org.finetune4j.model.Module;

/**
 * Resolves PEFT-style {@code target_modules} to linear layers: a target matches a module whose dotted
 * name equals it or ends with {@code "." + target}; {@code "all-linear"} means every linear layer except
 * the LM head. A target that matches nothing is an error listing the names that would match.
 */
public final class TargetModules {
    public static final String ALL_LINEAR = "all-linear";

    private TargetModules() {}

    /** Linear layers to wrap, by dotted path, in model order. */
    public static Map<String, LinearLayer> resolve(Module root, List<String> targets) {
        Map<String, LinearLayer> linears = new LinkedHashMap<>();
        root.namedModules().forEach((name, m) -> {
            if (m instanceof LinearLayer l) {
                linears.put(name, l);
            }
        });
        Map<String, LinearLayer> out = new LinkedHashMap<>();
        for (String target : targets) {
            boolean matched = false;
            for (Map.Entry<String, LinearLayer> e : linears.entrySet()) {
                String name = e.getKey();
                boolean hit = target.equals(ALL_LINEAR) ? !name.equals("lm_head")
                        : name.equals(target) || name.endsWith("." + target);
                if (hit) {
                    out.put(name, e.getValue());
                    matched = true;
                }
            }
            if (!matched) {
                throw new IllegalArgumentException("target module '" + target + "' matches no linear layer; available: "
                        + available(linears.keySet()) + " (or '" + ALL_LINEAR + "')");
            }
        }
        List<String> ordered = new ArrayList<>(linears.keySet());
        ordered.retainAll(out.keySet());
        Map<String, LinearLayer> inOrder = new LinkedHashMap<>();
        ordered.forEach(n -> inOrder.put(n, out.get(n)));
        return inOrder;
    }

    /** The distinct last name parts of the linear layers ("down_proj, gate_proj, …, lm_head"). */
    static String available(Iterable<String> names) {
        TreeSet<String> leaves = new TreeSet<>();
        for (String n : names) {
            leaves.add(n.substring(n.lastIndexOf('.') + 1));
        }
        return String.join(", ", leaves);
    }
}
