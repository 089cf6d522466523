package org.finetune4j.peft.prefix;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.model.llama.AttentionContext;
import org.finetune4j.model.llama.ForwardInput;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.AppliedTechnique;
import org.finetune4j.peft.PrefixTuningConfig;

/**
 * Prefix tuning (Li &amp; Liang, 2021; PEFT {@code PREFIX_TUNING}): every attention layer attends to N
 * trainable key/value pairs in front of the sequence; the base model stays frozen.
 *
 * <p>Layout, exactly PEFT's so a PEFT prefix adapter maps 1:1: the {@code (N, L·2·H_kv·d)} matrix is
 * viewed as {@code [B, N, L·2, H_kv, d]}, permuted {@code [2,0,3,1,4]} and split in pairs, so layer l's
 * keys are slot {@code 2l} and its values slot {@code 2l+1}, each {@code (B, H_kv, N, d)}. Prefix keys
 * carry no rotation and live outside the KV cache: they are passed to every forward through
 * {@link ForwardInput#prefix()}, and the model's mask shows them to every non-padding query.
 *
 * <p>Positions: HF runs the prefix as a cache of N past tokens, so {@code cache_position} (and the
 * rotary position) of the first real token is N. This technique shifts every real position by N the
 * same way, so logits match PEFT's.
 *
 * <p>For GQA models PEFT sets {@code num_attention_heads = H_kv} and {@code token_dim = H_kv·d}; the
 * reparameterising MLP then reads {@code (N, token_dim)} and its hidden width
 * {@code encoder_hidden_size} defaults to that token_dim.
 */
public final class PrefixTuningTechnique implements AppliedTechnique {
    /** Name of the encoder in {@link #trainableParameters()}. */
    public static final String ENCODER_NAME = "prefix_encoder";

    private final PrefixTuningConfig config;
    private final PrefixEncoder encoder;
    private final int n;
    private final int layers;
    private final int kvHeads;
    private final int headDim;
    private final Map<String, Parameter> trainable = new LinkedHashMap<>();

    private PrefixTuningTechnique(PrefixTuningConfig config, LlamaConfig model, PrefixEncoder encoder) {
        this.config = config;
        this.encoder = encoder;
        this.n = config.numVirtualTokens();
        this.layers = model.numHiddenLayers();
        this.kvHeads = model.numKeyValueHeads();
        this.headDim = model.headDim();
        encoder.namedParameters().forEach((name, p) -> {
            p.freeze(false);
            trainable.put(ENCODER_NAME + "." + name, p);
        });
    }

    /** PEFT's {@code token_dim} for this model: the width of one layer's keys, {@code H_kv·d}. */
    public static int tokenDim(LlamaConfig c) {
        return c.numKeyValueHeads() * c.headDim();
    }

    /** Width of the prefix matrix: {@code L·2·token_dim}. */
    public static int prefixWidth(LlamaConfig c) {
        return c.numHiddenLayers() * 2 * tokenDim(c);
    }

    /** The MLP's hidden width: the config's, or token_dim when it says 0 (PEFT's default). */
    public static int encoderHiddenSize(PrefixTuningConfig config, LlamaConfig c) {
        return config.encoderHiddenSize() > 0 ? config.encoderHiddenSize() : tokenDim(c);
    }

    /**
     * New prefix parameters, seeded: embeddings normal(0, 1) ({@code torch.nn.Embedding}'s init, which
     * PEFT keeps) and, with projection, linear layers uniform(±1/√fan_in) ({@code torch.nn.Linear}'s).
     */
    public static PrefixTuningTechnique apply(LlamaForCausalLM base, PrefixTuningConfig config, long seed) {
        LlamaConfig c = base.config();
        NDManager m = base.resources().manager();
        DataType type = base.resources().computeType();
        Random rnd = new Random(seed);
        int n = config.numVirtualTokens();
        int width = prefixWidth(c);
        PrefixEncoder encoder;
        if (!config.prefixProjection()) {
            encoder = new PrefixEncoder(gaussian(m, rnd, type, n, width));
        } else {
            int td = tokenDim(c);
            int e = encoderHiddenSize(config, c);
            encoder = new PrefixEncoder(gaussian(m, rnd, type, n, td),
                    uniform(m, rnd, type, td, e, td), uniform(m, rnd, type, td, e),
                    uniform(m, rnd, type, e, width, e), uniform(m, rnd, type, e, width));
        }
        return new PrefixTuningTechnique(config, c, encoder);
    }

    private static NDArray gaussian(NDManager m, Random rnd, DataType type, long... shape) {
        double[] v = new double[Math.toIntExact(new Shape(shape).size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextGaussian();
        }
        return fill(m, v, type, shape);
    }

    private static NDArray uniform(NDManager m, Random rnd, DataType type, int fanIn, long... shape) {
        double bound = 1 / Math.sqrt(fanIn);
        double[] v = new double[Math.toIntExact(new Shape(shape).size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (rnd.nextDouble() * 2 - 1) * bound;
        }
        return fill(m, v, type, shape);
    }

    private static NDArray fill(NDManager m, double[] v, DataType type, long... shape) {
        try (NDManager tmp = m.newSubManager()) {
            // duplicate: a libtorch-owned copy; the created array aliases a Java buffer freed with tmp
            NDArray a = tmp.create(v, new Shape(shape)).toType(type, false).duplicate();
            a.attach(m);
            return a;
        }
    }

    public PrefixEncoder encoder() {
        return encoder;
    }

    public int numVirtualTokens() {
        return n;
    }

    /** The (N, L·2·H_kv·d) prefix matrix as PEFT saves it ({@code prompt_embeddings}), in {@code m}. */
    public NDArray promptEmbeddings(NDManager m) {
        return encoder.output(m).stopGradient();
    }

    @Override
    public PrefixTuningConfig config() {
        return config;
    }

    @Override
    public Map<String, Parameter> trainableParameters() {
        return Collections.unmodifiableMap(trainable);
    }

    @Override
    public NDArray forward(LlamaForCausalLM base, ForwardInput in) {
        return base.forward(stackInput(in));
    }

    /**
     * {@code in} with prefix tuning in effect: real positions shifted by N and a prefix whose encoder runs
     * once, at the first layer (recorded for autograd when a collector is open).
     */
    public ForwardInput stackInput(ForwardInput in) {
        NDArray first = in.inputIds() != null ? in.inputIds() : in.inputEmbeds();
        int b = (int) first.getShape().get(0);
        int t = (int) first.getShape().get(1);
        int past = in.cache() == null ? 0 : in.cache().length();
        long[][] positions = new long[b][t];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) {
                positions[r][i] = n + (in.positions() == null ? past + i : in.positions()[r][i]);
            }
        }
        return in.toBuilder().optPositions(positions).optPrefix(new Prefix(null)).build();
    }

    /**
     * A prefix that slices a given {@code (N, L·2·H_kv·d)} table, as {@link PrefixEncoder#output} makes it,
     * instead of running the encoder: activation checkpointing computes the table once and recomputes each
     * layer over it, so the table's gradient sums every layer's share before it flows into the encoder.
     */
    public AttentionContext.PrefixKv prefixOver(NDArray table) {
        long[] expected = {n, (long) layers * 2 * kvHeads * headDim};
        if (!Arrays.equals(expected, table.getShape().getShape())) {
            throw new IllegalArgumentException("prefix table has shape " + table.getShape() + ", expected "
                    + new Shape(expected));
        }
        return new Prefix(table);
    }

    /** One forward pass's prefix: the encoder runs once, at the first layer, then each layer slices it. */
    private final class Prefix implements AttentionContext.PrefixKv {
        private NDArray table; // (N, L·2·H_kv·d), null until the first layer asks

        Prefix(NDArray table) {
            this.table = table;
        }

        @Override
        public int length() {
            return n;
        }

        @Override
        public NDArray[] keysValues(int layer, int batch, NDManager step) {
            if (table == null) {
                table = encoder.output(step);
            }
            int slot = kvHeads * headDim;
            return new NDArray[] {slice(2 * layer, slot, batch, step), slice(2 * layer + 1, slot, batch, step)};
        }

        /** Slot s of the L·2 axis: (N, H_kv·d) -> (B, H_kv, N, d), the views owned by {@code step}. */
        private NDArray slice(int s, int slot, int batch, NDManager step) {
            NDArray columns = table.get(":, {}:{}", (long) s * slot, (long) (s + 1) * slot); // (N, H_kv·d)
            columns.attach(step); // the views below land in the layer's manager, not the table's
            return columns.reshape(n, kvHeads, headDim)
                    .transpose(1, 0, 2) // (H_kv, N, d)
                    .expandDims(0)
                    .broadcast(new Shape(batch, kvHeads, n, headDim));
        }
    }
}
