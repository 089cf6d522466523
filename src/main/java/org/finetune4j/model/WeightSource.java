package org.finetune4j.model;

import java.util.Map;
import java.util.Set;
import org.finetune4j.io.HostTensor;

/** Tensors by HF name: a checkpoint directory, an in-memory map, or a random initialiser. */
public interface WeightSource {

    Set<String> names();

    /** The tensor {@code name}; callers check {@link #names()} first. */
    HostTensor get(String name);

    /** Where the weights come from, for error messages ("/models/x", "random init"). */
    String description();

    static WeightSource of(Map<String, HostTensor> tensors, String description) {
        return new WeightSource() {
            @Override
            public Set<String> names() {
                return tensors.keySet();
            }

            @Override
            public HostTensor get(String name) {
                HostTensor t = tensors.get(name);
                if (t == null) {
                    throw new IllegalArgumentException("no tensor " + name + " in " + description);
                }
                return t;
            }

            @Override
            public String description() {
                return description;
            }
        };
    }
}
