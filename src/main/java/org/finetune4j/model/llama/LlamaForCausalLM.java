package org.finetune4j.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.NDArrays;
import org.finetune4j.io.TensorDType;
import org.finetune4j.model.CausalLM;
import org.finetune4j.model.Embedding;
import org.finetune4j.model.Linear;
import org.finetune4j.model.LinearLayer;
import org.finetune4j.model.ModelLoadException;
import org.finetune4j.model.ModelResources;
import org.finetune4j.model.Module;
import org.finetune4j.model.ModuleList;
import org.finetune4j.model.RmsNorm;
import org.finetune4j.model.WeightSource;
import org.finetune4j.model.kernels.FusedOps;

/**
 * A Llama-family causal language model ({@code LlamaForCausalLM}, {@code MistralForCausalLM},
 * {@code Qwen2ForCausalLM}): the {@code model} decoder stack plus the {@code lm_head}, which is the
 * embedding matrix itself when {@code tie_word_embeddings} is set.
 *
 * <p>Parameter names are exactly HF's, so loading, saving and PEFT adapters work by name.
 */
public final class LlamaForCausalLM extends Module implements CausalLM, AutoCloseable {
    /** Additive mask value for hidden keys: the most negative finite float, as HF uses finfo.min. */
    static final float HIDDEN = -Float.MAX_VALUE;

    private final LlamaConfig config;
    private final ModelResources resources;
    private final LlamaModel model;
    private LinearLayer lmHead; // null when tied
    private final RotaryEmbedding rotary;

    private LlamaForCausalLM(LlamaConfig config, ModelResources resources, LlamaModel model, LinearLayer lmHead) {
        this.config = config;
        this.resources = resources;
        this.model = registerModule("model", model);
        this.lmHead = lmHead == null ? null : registerModule("lm_head", lmHead);
        this.rotary = new RotaryEmbedding(config, resources.manager(), resources.computeType());
    }

    @Override
    protected void onModuleReplaced(String name, Module m) {
        if (name.equals("lm_head")) {
            lmHead = (LinearLayer) m;
        } else {
            throw new IllegalArgumentException("the decoder stack 'model' cannot be replaced");
        }
    }

    /**
     * Builds the model from named tensors, checking every tensor against the config first: missing,
     * unexpected and mis-shaped tensors are all named in one error.
     */
    public static LlamaForCausalLM fromWeights(LlamaConfig config, WeightSource weights, ModelResources res) {
        Map<String, long[]> expected = expectedShapes(config);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            if (!weights.names().contains(e.getKey())) {
                problems.add("missing tensor " + e.getKey() + " " + Arrays.toString(e.getValue()));
            } else {
                long[] actual = weights.get(e.getKey()).shape();
                if (!Arrays.equals(actual, e.getValue())) {
                    problems.add("tensor " + e.getKey() + " has shape " + Arrays.toString(actual) + ", config needs "
                            + Arrays.toString(e.getValue()));
                }
            }
        }
        Set<String> unexpected = new TreeSet<>(weights.names());
        unexpected.removeAll(expected.keySet());
        unexpected.removeIf(n -> n.endsWith("rotary_emb.inv_freq") // buffers some exporters keep
                || (config.tieWordEmbeddings() && n.equals("lm_head.weight"))); // a redundant tied copy
        unexpected.forEach(n -> problems.add("unexpected tensor " + n));
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), 20);
            throw new ModelLoadException("weights from " + weights.description() + " do not fit the "
                    + config.modelType().wireName() + " config (" + problems.size() + " problems):\n  "
                    + String.join("\n  ", problems.subList(0, shown))
                    + (problems.size() > shown ? "\n  …" : ""));
        }
        NDManager m = res.manager();
        DataType type = res.computeType();
        float eps = (float) config.rmsNormEps();
        Embedding embed = new Embedding(load(m, weights.get("model.embed_tokens.weight"), type), false);
        ModuleList<LlamaDecoderLayer> layers = new ModuleList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            String p = "model.layers." + i + ".";
            LlamaAttention attn = new LlamaAttention(config, i,
                    linear(weights, p + "self_attn.q_proj", config.qkvBias(), m, type),
                    linear(weights, p + "self_attn.k_proj", config.qkvBias(), m, type),
                    linear(weights, p + "self_attn.v_proj", config.qkvBias(), m, type),
                    linear(weights, p + "self_attn.o_proj", config.oBias(), m, type), res.scalars());
            LlamaMlp mlp = new LlamaMlp(
                    linear(weights, p + "mlp.gate_proj", config.mlpBias(), m, type),
                    linear(weights, p + "mlp.up_proj", config.mlpBias(), m, type),
                    linear(weights, p + "mlp.down_proj", config.mlpBias(), m, type));
            layers.add(new LlamaDecoderLayer(norm(weights, p + "input_layernorm.weight", eps, res), attn,
                    norm(weights, p + "post_attention_layernorm.weight", eps, res), mlp));
        }
        LlamaModel model = new LlamaModel(embed, layers, norm(weights, "model.norm.weight", eps, res));
        LinearLayer head = config.tieWordEmbeddings() ? null : linear(weights, "lm_head", false, m, type);
        return new LlamaForCausalLM(config, res, model, head);
    }

    private static Linear linear(WeightSource w, String prefix, boolean bias, NDManager m, DataType type) {
        NDArray weight = load(m, w.get(prefix + ".weight"), type);
        NDArray b = bias ? load(m, w.get(prefix + ".bias"), type) : null;
        return new Linear(weight, b, false);
    }

    private static RmsNorm norm(WeightSource w, String name, float eps, ModelResources res) {
        return new RmsNorm(load(res.manager(), w.get(name), res.computeType()), eps, res.scalars(), false);
    }

    /** A stored floating-point tensor on the model's device in its compute dtype (bf16 widened on the host). */
    private static NDArray load(NDManager m, HostTensor t, DataType type) {
        NDArray a = NDArrays.toNDArray(m, t, m.getDevice().isGpu() ? type : DataType.FLOAT32);
        return a.getDataType() == type ? a : a.toType(type, false);
    }

    /** Every tensor a checkpoint of this config holds, with its shape, in HF's order. */
    public static Map<String, long[]> expectedShapes(LlamaConfig c) {
        Map<String, long[]> s = new LinkedHashMap<>();
        long d = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long f = c.intermediateSize();
        s.put("model.embed_tokens.weight", new long[] {c.vocabSize(), d});
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "model.layers." + i + ".";
            s.put(p + "input_layernorm.weight", new long[] {d});
            s.put(p + "self_attn.q_proj.weight", new long[] {q, d});
            s.put(p + "self_attn.k_proj.weight", new long[] {kv, d});
            s.put(p + "self_attn.v_proj.weight", new long[] {kv, d});
            s.put(p + "self_attn.o_proj.weight", new long[] {d, q});
            if (c.qkvBias()) {
                s.put(p + "self_attn.q_proj.bias", new long[] {q});
                s.put(p + "self_attn.k_proj.bias", new long[] {kv});
                s.put(p + "self_attn.v_proj.bias", new long[] {kv});
            }
            if (c.oBias()) {
                s.put(p + "self_attn.o_proj.bias", new long[] {d});
            }
            s.put(p + "post_attention_layernorm.weight", new long[] {d});
            s.put(p + "mlp.gate_proj.weight", new long[] {f, d});
            s.put(p + "mlp.up_proj.weight", new long[] {f, d});
            s.put(p + "mlp.down_proj.weight", new long[] {d, f});
            if (c.mlpBias()) {
                s.put(p + "mlp.gate_proj.bias", new long[] {f});
                s.put(p + "mlp.up_proj.bias", new long[] {f});
                s.put(p + "mlp.down_proj.bias", new long[] {d});
            }
        }
        s.put("model.norm.weight", new long[] {d});
        if (!c.tieWordEmbeddings()) {
            s.put("lm_head.weight", new long[] {c.vocabSize(), d});
        }
        return s;
    }

    /**
     * Random weights with HF's initialisation for Llama: normal(0, std) for linear and embedding
     * matrices, zero biases, unit norm weights. Deterministic for a seed, on any device.
     */
    public static WeightSource randomWeights(LlamaConfig c, long seed, double std) {
        Random rnd = new Random(seed);
        Map<String, HostTensor> t = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : expectedShapes(c).entrySet()) {
            String n = e.getKey();
            float[] v = new float[Math.toIntExact(HostTensor.numel(e.getValue()))];
            if (n.endsWith("norm.weight")) {
                Arrays.fill(v, 1f);
            } else if (!n.endsWith(".bias")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rnd.nextGaussian() * std);
                }
            }
            t.put(n, HostTensor.ofFloats(v, e.getValue()));
        }
        return WeightSource.of(t, "random init (seed " + seed + ")");
    }

    // ---------------------------------------------------------------- forward

    /** Logits as {@link #logits} describes. Per-step tensors go to the ids' manager. */
    @Override
    public NDArray forward(ForwardInput in) {
        NDArray h = in.inputEmbeds != null ? in.inputEmbeds : embed(in.inputIds);
        AttentionContext ctx = attentionContext(h, in);
        h = model.forwardLayers(h, ctx);
        if (in.cache != null) {
            in.cache.advance((int) h.getShape().get(1));
        }
        return logits(h, in);
    }

    /**
     * The logits {@code in} asks for from the final hidden states of its real tokens, h (B, T, D):
     * (B, T, V); (B, 1, V) with {@code lastPositionOnly}; (K, V) with {@code logitRows}.
     */
    public NDArray logits(NDArray h, ForwardInput in) {
        if (in.lastPositionOnly) {
            long t = h.getShape().get(1);
            return head(h.get(new NDIndex(":, {}:", t - 1))); // (B, 1, D) -> (B, 1, V)
        }
        if (in.logitRows != null) {
            NDArray rows = h.getManager().create(in.logitRows); // (K)
            // (B, T, D) -> (B·T, D) -> (K, D): the head and the softmax run on K rows only
            return head(h.reshape(-1, h.getShape().get(2)).get(rows));
        }
        return head(h);
    }

    /** ids (B, T) -> embeddings (B, T, D). */
    public NDArray embed(NDArray ids) {
        return model.embedTokens().forward(ids);
    }

    /** Final hidden states (B, T, D) -> logits (B, T, V). */
    public NDArray head(NDArray h) {
        if (lmHead != null) {
            return lmHead.forward(h);
        }
        NDArray w = model.embedTokens().weight(); // tied: (V, D)
        return FusedOps.linear(h, w, null);
    }

    /** Rotary tables and the additive mask for one forward pass over h (B, T, D). */
    public AttentionContext attentionContext(NDArray h, ForwardInput in) {
        NDManager step = h.getManager();
        int b = (int) h.getShape().get(0);
        int t = (int) h.getShape().get(1);
        int past = in.cache == null ? 0 : in.cache.length();
        long[][] pos = in.positions;
        long[] flat = new long[b * t];
        long maxPos = 0;
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) {
                long p = pos == null ? past + i : pos[r][i];
                flat[r * t + i] = p;
                maxPos = Math.max(maxPos, p);
            }
        }
        NDArray positions = step.create(flat, new Shape(b, t));
        NDList cs = rotary.lookup(positions, (int) maxPos + 1);
        int prefixLen = in.prefix == null ? 0 : in.prefix.length();
        NDArray mask = buildMask(step, in.segments, b, t, past, prefixLen);
        if (mask != null && NDArrays.isHalf(h.getDataType())) {
            mask = inHalf(mask, h.getDataType(), step);
        }
        return new AttentionContext(cs.get(0), cs.get(1), mask, in.cache, in.prefix);
    }

    /**
     * The float32 mask in a half type, hidden entries at half that type's most negative finite value: a
     * plain cast would round −Float.MAX_VALUE to −∞, and a padding query that sees no key would then
     * softmax to NaN (0/0) and poison the backward pass even though its loss weight is 0. Half of the
     * lowest value leaves room for a negative score to be added without overflowing to −∞.
     */
    static NDArray inHalf(NDArray mask, DataType type, NDManager step) {
        float hidden = type == DataType.FLOAT16 ? -65504f / 2 : -3.3895314e38f / 2; // fp16 / bf16 lowest, halved
        return mask.maximum(step.full(new Shape(), hidden, DataType.FLOAT32)).toType(type, false);
    }

    /**
     * (B, 1, T, N + past + T) additive mask from the (B, past + T) labels (see {@link ForwardInput}), or
     * null when nothing needs hiding (a single step that may see every key). The N prefix columns are
     * visible to every query that is not padding.
     */
    static NDArray buildMask(NDManager step, int[][] segments, int b, int t, int past, int prefixLen) {
        int tk = past + t;
        if (segments != null) {
            checkLabels(segments, b, tk);
        }
        if (t == 1 && (segments == null || seesEveryKey(segments))) {
            return null;
        }
        // Built with engine ops from the (B, Tk) labels, so no (B, T, Tk) array crosses from Java each step:
        // Java-side arrays go through direct buffers that only the garbage collector frees.
        int[] flat = new int[b * tk];
        if (segments != null) {
            for (int r = 0; r < b; r++) {
                System.arraycopy(segments[r], 0, flat, r * tk, tk);
            }
        }
        NDArray seg = step.create(flat, new Shape(b, tk)); // (B, Tk)
        NDArray segQ = seg.get(new NDIndex(":, {}:", past)).expandDims(2); // (B, T, 1)
        NDArray segK = seg.expandDims(1); // (B, 1, Tk)
        NDArray qPos = step.arange(past, past + t).reshape(1, t, 1); // (1, T, 1)
        NDArray kPos = step.arange(0, tk).reshape(1, 1, tk); // (1, 1, Tk)
        NDArray padding = step.full(new Shape(), ForwardInput.PADDING, DataType.INT32);
        NDArray shared = step.full(new Shape(), ForwardInput.SHARED, DataType.INT32);
        NDArray real = segQ.neq(padding); // (B, T, 1) the query is not padding
        NDArray related = segQ.eq(segK).logicalOr(segK.eq(shared)); // (B, T, Tk) same sample, or a shared key
        NDArray visible = related.logicalAnd(kPos.lte(qPos)).logicalAnd(real); // (B, T, Tk)
        if (prefixLen > 0) { // prefix keys: visible to every real query
            visible = real.broadcast(new Shape(b, t, prefixLen)).concat(visible, 2);
        }
        NDArray one = step.ones(new Shape(), DataType.FLOAT32);
        NDArray scale = step.full(new Shape(), -HIDDEN, DataType.FLOAT32);
        // (visible - 1) · MAX: 0 where visible, −MAX (the most negative finite float) where hidden
        return visible.toType(DataType.FLOAT32, false).sub(one).mul(scale).expandDims(1); // (B, 1, T, N + Tk)
    }

    private static void checkLabels(int[][] segments, int b, int tk) {
        if (segments.length != b) {
            throw new IllegalArgumentException("segments have " + segments.length + " rows for a batch of " + b);
        }
        for (int r = 0; r < b; r++) {
            if (segments[r].length != tk) {
                throw new IllegalArgumentException("segments row " + r + " has " + segments[r].length
                        + " labels; expected past + T = " + tk);
            }
            for (int j = 0; j < tk; j++) {
                if (segments[r][j] < ForwardInput.SHARED) {
                    throw new IllegalArgumentException("segments row " + r + " position " + j + " has label "
                            + segments[r][j] + "; labels are samples (>= 0), PADDING (-1) or SHARED (-2)");
                }
            }
        }
    }

    /** For a single query (the last label of each row): whether it is real and may see every key before it. */
    private static boolean seesEveryKey(int[][] segments) {
        for (int[] row : segments) {
            int q = row[row.length - 1];
            if (q == ForwardInput.PADDING) {
                return false;
            }
            for (int k : row) {
                if (k != q && k != ForwardInput.SHARED) {
                    return false;
                }
            }
        }
        return true;
    }

    /** DJL entry point: {@code NDList(ids (B, T))} -> {@code NDList(logits (B, T, V))}. */
    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(forward(ForwardInput.of(inputs.singletonOrThrow())));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(1), config.vocabSize())};
    }

    // ---------------------------------------------------------------- accessors

    @Override
    public LlamaConfig config() {
        return config;
    }

    @Override
    public ModelResources resources() {
        return resources;
    }

    public LlamaModel model() {
        return model;
    }

    /** The LM head module, or null when tied to the embedding. */
    public LinearLayer lmHead() {
        return lmHead;
    }

    /** The weights as HF names them, copied to Java (float32); a tied head is not repeated. */
    public Map<String, HostTensor> stateDict() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : namedParameters().entrySet()) {
            out.put(e.getKey(), NDArrays.fromNDArray(e.getValue().getArray(), TensorDType.F32));
        }
        return out;
    }

    /** Frees every parameter (the model's manager). */
    @Override
    public void close() {
        resources.manager().close();
    }
}
