package org.finetune4j.model;

import java.util.ArrayList;
import java.util.List;

/** An indexed list of children named {@code "0"}, {@code "1"}, … as in {@code nn.ModuleList}. */
public final class ModuleList<M extends Module> extends Module {
    private final List<M> items = new ArrayList<>();

    public void add(M module) {
        registerModule(Integer.toString(items.size()), module);
        items.add(module);
    }

    public M get(int i) {
        return items.get(i);
    }

    public int size() {
        return items.size();
    }

    public List<M> items() {
        return List.copyOf(items);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void onModuleReplaced(String name, Module replacement) {
        items.set(Integer.parseInt(name), (M) replacement);
    }
}
