package org.finetune4j.peft.adapter;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.finetune4j.model.llama.LlamaDecoderLayer;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.AdapterConfig;
import org.finetune4j.peft.AdapterPlacement;
import org.finetune4j.peft.AppliedTechnique;

/**
 * Inserts {@link BottleneckAdapter}s into every decoder layer: after attention and after the MLP
 * ({@link AdapterPlacement#HOULSBY}) or after the MLP only ({@link AdapterPlacement#PFEIFFER}). They are
 * registered as {@code model.layers.i.attn_adapter} / {@code mlp_adapter} with children {@code down} and
 * {@code up}, and are the only trainable tensors.
 *
 * <p>Init: {@code down} weight uniform(±1/√D) ({@code torch.nn.Linear}'s default, so the bottleneck's
 * activations are O(1) from the start), {@code up} weight and both biases zero — the model is unchanged
 * at step 0 and the first gradient reaches {@code up}.
 */
public final class AdapterTechnique implements AppliedTechnique {
    private final AdapterConfig config;
    private final Map<String, BottleneckAdapter> adapters = new LinkedHashMap<>();
    private final Map<String, Parameter> trainable = new LinkedHashMap<>();

    private AdapterTechnique(AdapterConfig config) {
        this.config = config;
    }

    /** Adds the adapters to {@code base}, whose own weights are frozen. */
    public static AdapterTechnique apply(LlamaForCausalLM base, AdapterConfig config, long seed) {
        int d = base.config().hiddenSize();
        int r = bottleneckSize(d, config.reductionFactor());
        AdapterTechnique t = new AdapterTechnique(config);
        Random rnd = new Random(seed);
        NDManager m = base.resources().manager();
        DataType type = base.resources().computeType();
        base.setTrainable(false);
        var layers = base.model().layers();
        for (int i = 0; i < layers.size(); i++) {
            LlamaDecoderLayer layer = layers.get(i);
            String prefix = "model.layers." + i + ".";
            if (config.placement() == AdapterPlacement.HOULSBY) {
                BottleneckAdapter a = create(m, rnd, type, d, r, config);
                layer.setAttentionAdapter(a);
                t.adapters.put(prefix + "attn_adapter", a);
            }
            BottleneckAdapter a = create(m, rnd, type, d, r, config);
            layer.setMlpAdapter(a);
            t.adapters.put(prefix + "mlp_adapter", a);
        }
        t.adapters.forEach((name, a) -> a.namedParameters().forEach((pn, p) -> {
            p.freeze(false);
            t.trainable.put(name + "." + pn, p);
        }));
        return t;
    }

    /** {@code D / reductionFactor}, at least 1 unit wide. */
    public static int bottleneckSize(int hidden, int reductionFactor) {
        int r = hidden / reductionFactor;
        if (r < 1) {
            throw new IllegalArgumentException("reduction_factor " + reductionFactor + " leaves no bottleneck unit for hidden size "
                    + hidden);
        }
        return r;
    }

    private static BottleneckAdapter create(NDManager m, Random rnd, DataType type, int d, int r, AdapterConfig c) {
        double bound = 1 / Math.sqrt(d);
        double[] down = new double[r * d];
        for (int i = 0; i < down.length; i++) {
            down[i] = (rnd.nextDouble() * 2 - 1) * bound;
        }
        NDArray downWeight;
        try (NDManager tmp = m.newSubManager()) {
            // duplicate: a libtorch-owned copy; the created array aliases a Java buffer freed with tmp
            downWeight = tmp.create(down, new Shape(r, d)).toType(type, false).duplicate();
            downWeight.attach(m);
        }
        return new BottleneckAdapter(downWeight, m.zeros(new Shape(r), type), m.zeros(new Shape(d, r), type),
                m.zeros(new Shape(d), type), c.activation());
    }

    /** The adapters by module path ({@code model.layers.0.attn_adapter}). */
    public Map<String, BottleneckAdapter> adapters() {
        return Collections.unmodifiableMap(adapters);
    }

    @Override
    public AdapterConfig config() {
        return config;
    }

    @Override
    public Map<String, Parameter> trainableParameters() {
        return Collections.unmodifiableMap(trainable);
    }
}
