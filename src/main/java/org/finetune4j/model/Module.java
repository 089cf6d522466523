package org.finetune4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.BlockList;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A DJL block whose children and parameters carry Hugging Face names.
 *
 * <p>DJL numbers child blocks ("01Linear"); HF checkpoints and PEFT adapters address tensors by dotted
 * paths such as {@code model.layers.0.self_attn.q_proj.weight}. A {@code Module} keeps its own ordered
 * name maps, so {@link #namedParameters()} yields exactly HF's names, and a technique such as LoRA can
 * find a linear layer by its HF path and {@link #replaceModule replace} it with a wrapper ("wrap, don't
 * patch"). Forward passes are typed Java methods on the subclasses; the DJL {@code forward} entry point is
 * only implemented by whole models.
 */
public abstract class Module extends AbstractBlock {

    private final Map<String, Module> modules = new LinkedHashMap<>();
    private final Map<String, Parameter> params = new LinkedHashMap<>();

    /** Registers a child module under its HF name (for example {@code "q_proj"} or {@code "0"}). */
    protected final <M extends Module> M registerModule(String name, M module) {
        if (modules.containsKey(name)) {
            throw new IllegalStateException("module '" + name + "' registered twice");
        }
        modules.put(name, module);
        return module;
    }

    /** Registers a tensor owned by this module (for example {@code "weight"}). */
    protected final Parameter registerParameter(String name, NDArray array, boolean trainable) {
        Parameter p = Parameter.builder().setName(name).setType(typeOf(name)).optArray(array)
                .optRequiresGrad(trainable).build();
        if (params.put(name, p) != null) {
            throw new IllegalStateException("parameter '" + name + "' registered twice");
        }
        return p;
    }

    private static Parameter.Type typeOf(String name) {
        return name.endsWith("bias") ? Parameter.Type.BIAS : Parameter.Type.WEIGHT;
    }

    /** Replaces the child {@code name}, keeping its position; returns the old child. */
    public final Module replaceModule(String name, Module replacement) {
        if (!modules.containsKey(name)) {
            throw new IllegalArgumentException("no child module '" + name + "' in " + getClass().getSimpleName()
                    + "; children: " + modules.keySet());
        }
        Module old = modules.put(name, replacement);
        onModuleReplaced(name, replacement);
        return old;
    }

    /** Lets subclasses that cache typed references to children update them. */
    protected void onModuleReplaced(String name, Module replacement) {}

    /** Direct children in registration order. */
    public final Map<String, Module> childModules() {
        return Collections.unmodifiableMap(modules);
    }

    /** This module's own tensors in registration order. */
    public final Map<String, Parameter> ownParameters() {
        return Collections.unmodifiableMap(params);
    }

    /** Every tensor below this module, keyed by dotted HF path. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collectParameters("", out);
        return out;
    }

    private void collectParameters(String prefix, Map<String, Parameter> out) {
        params.forEach((n, p) -> out.put(prefix + n, p));
        modules.forEach((n, m) -> m.collectParameters(prefix + n + ".", out));
    }

    /** Every module below this one (itself excluded), keyed by dotted HF path, parents first. */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String prefix, Map<String, Module> out) {
        modules.forEach((n, m) -> {
            out.put(prefix + n, m);
            m.collectModules(prefix + n + ".", out);
        });
    }

    /** The module at a dotted path relative to this one. */
    public final Optional<Module> findModule(String path) {
        Module cur = this;
        for (String part : path.split("\\.")) {
            cur = cur.modules.get(part);
            if (cur == null) {
                return Optional.empty();
            }
        }
        return Optional.of(cur);
    }

    /** Replaces the module at a dotted path (its parent must exist). */
    public final Module replaceModuleAt(String path, Module replacement) {
        int dot = path.lastIndexOf('.');
        Module parent = dot < 0 ? this : findModule(path.substring(0, dot))
                .orElseThrow(() -> new IllegalArgumentException("no module at " + path));
        return parent.replaceModule(path.substring(dot + 1), replacement);
    }

    /** Marks every tensor below this module trainable or frozen. */
    public void setTrainable(boolean trainable) {
        namedParameters().values().forEach(p -> p.freeze(!trainable));
    }

    /** Number of scalar values below this module. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) {
            n += p.getArray().size();
        }
        return n;
    }

    // ---- DJL Block plumbing: expose the HF-named tree to DJL tools. ----

    @Override
    public BlockList getChildren() {
        BlockList list = new BlockList();
        modules.forEach(list::add);
        return list;
    }

    @Override
    public ParameterList getDirectParameters() {
        return new ParameterList(params);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " is called through its typed forward method, not Block.forward");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException("shapes are static for " + getClass().getSimpleName());
    }
}
