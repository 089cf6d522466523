package org.finetune4j.peft.prompt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.finetune4j.model.llama.ForwardInput;
import org.finetune4j.model.llama.KvCache;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.AppliedTechnique;
import org.finetune4j.peft.PromptInit;
import org.finetune4j.peft.PromptTuningConfig;

/**
 * Prompt tuning (Lester et al., 2021; PEFT {@code PROMPT_TUNING}): N trainable embeddings
 * {@code prompt_embeddings (N, D)} are put in front of every input's token embeddings; the base model
 * stays frozen.
 *
 * <p>The forward pass mirrors PEFT: inputs become {@code (B, N+T, D)}, the virtual tokens take rotary
 * positions {@code 0…N-1} and the real tokens move up by N (PEFT prefixes the attention mask with ones,
 * so HF's positions count the virtual tokens), and only the T real positions' logits are returned.
 * Virtual tokens are visible to every non-padding query — also to every sample of a packed row — and
 * see only earlier virtual tokens themselves; padding sees nothing and is seen by nothing.
 *
 * The virtual tokens carry the label {@link ForwardInput#SHARED}, so the base model's own mask
 * ({@link LlamaForCausalLM#attentionContext}) gives them this visibility; the technique builds no mask.
 *
 * <p>With a KV cache the prefill puts the virtual tokens into the cache ({@link #extraCachePositions()}
 * = N); later steps only prepend N shared labels to the caller's segments and shift its positions, so
 * a generator keeps addressing its own tokens.
 */
public final class PromptTuningTechnique implements AppliedTechnique {
    /** The tensor's name in memory and in PEFT's {@code adapter_model.safetensors}. */
    public static final String PARAMETER_NAME = "prompt_embeddings";

    private final PromptTuningConfig config;
    private final Parameter prompt; // (N, D)
    private final int n;

    private PromptTuningTechnique(PromptTuningConfig config, NDArray initial) {
        this.config = config;
        this.n = config.numVirtualTokens();
        this.prompt = Parameter.builder().setName(PARAMETER_NAME).setType(Parameter.Type.WEIGHT).optArray(initial)
                .optRequiresGrad(true).build();
        prompt.freeze(false);
    }

    /**
     * Creates the virtual tokens for a frozen {@code base}.
     *
     * <ul>
     *   <li>{@link PromptInit#RANDOM}: normal(0, 1), the default init of {@code torch.nn.Embedding} that
     *       PEFT's {@code PromptEmbedding} keeps;</li>
     *   <li>{@link PromptInit#SAMPLE_VOCAB}: embedding rows of N token ids drawn uniformly with {@code seed};</li>
     *   <li>{@link PromptInit#TEXT}: embedding rows of {@code initTokenIds} (the tokenised init text),
     *       repeated and cut to N as PEFT does.</li>
     * </ul>
     *
     * @param initTokenIds token ids of {@code config.initText()}; required for TEXT, ignored otherwise
     */
    public static PromptTuningTechnique apply(LlamaForCausalLM base, PromptTuningConfig config, long[] initTokenIds,
            long seed) {
        int n = config.numVirtualTokens();
        int d = base.config().hiddenSize();
        int vocab = base.config().vocabSize();
        NDManager m = base.resources().manager();
        Random rnd = new Random(seed);
        NDArray initial;
        if (config.init() == PromptInit.RANDOM) {
            double[] v = new double[n * d];
            for (int i = 0; i < v.length; i++) {
                v[i] = rnd.nextGaussian();
            }
            try (NDManager tmp = m.newSubManager()) {
                initial = tmp.create(v, new Shape(n, d)).toType(base.resources().computeType(), false)
                        .duplicate(); // a libtorch-owned copy: the created array aliases a Java buffer freed with tmp
                initial.attach(m);
            }
        } else {
            long[] ids = new long[n];
            if (config.init() == PromptInit.TEXT) {
                if (initTokenIds == null || initTokenIds.length == 0) {
                    throw new IllegalArgumentException("prompt_tuning_init TEXT needs the token ids of the init text '"
                            + config.initText() + "'; pass them to PromptTuningTechnique.apply");
                }
                for (int i = 0; i < n; i++) {
                    ids[i] = initTokenIds[i % initTokenIds.length]; // repeat, then cut to N
                }
            } else {
                for (int i = 0; i < n; i++) {
                    ids[i] = rnd.nextInt(vocab);
                }
            }
            for (long id : ids) {
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("init token id " + id + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
            try (NDManager tmp = m.newSubManager()) {
                initial = base.embed(tmp.create(ids, new Shape(1, n))).reshape(n, d).duplicate();
                initial.attach(m);
            }
        }
        return new PromptTuningTechnique(config, initial);
    }

    /** The trainable (N, D) embeddings. */
    public Parameter promptEmbeddings() {
        return prompt;
    }

    public int numVirtualTokens() {
        return n;
    }

    @Override
    public PromptTuningConfig config() {
        return config;
    }

    @Override
    public Map<String, Parameter> trainableParameters() {
        return Map.of(PARAMETER_NAME, prompt);
    }

    @Override
    public int extraCachePositions() {
        return n;
    }

    @Override
    public NDArray forward(LlamaForCausalLM base, ForwardInput in) {
        KvCache cache = in.cache();
        if (cache != null && cache.length() > 0) {
            return decodeStep(base, in, cache);
        }
        ForwardInput full = stackInput(base, in); // (B, N+T, D) embeddings, positions and labels
        if (cache != null) { // prefill: the virtual tokens enter the cache in front of the caller's tokens
            NDArray logits = base.forward(full.toBuilder().optCache(cache).optLastPositionOnly(in.lastPositionOnly())
                    .build()); // (B, N+T, V) or (B, 1, V)
            return in.lastPositionOnly() ? logits : logits.get(":, {}:", n);
        }
        NDArray h = full.inputEmbeds();
        NDArray out = base.model().forwardLayers(h, base.attentionContext(h, full)); // (B, N+T, D)
        return base.logits(out.get(":, {}:", n), in); // real positions only: (B, T, D)
    }

    /**
     * What the decoder stack reads for {@code in} (no cache): embeddings {@code (B, N+T, D)} with the
     * virtual tokens in front, their positions {@code 0…N-1} followed by the real positions shifted by N,
     * and labels with {@link ForwardInput#SHARED} for the virtual tokens, so the model's mask shows them
     * to every sample of a row while the samples stay apart. The real tokens' outputs are the last T.
     * Recorded for autograd when a collector is open: the gradient reaches {@link #promptEmbeddings()}.
     */
    public ForwardInput stackInput(LlamaForCausalLM base, ForwardInput in) {
        NDArray embeds = in.inputEmbeds() != null ? in.inputEmbeds() : base.embed(in.inputIds()); // (B, T, D)
        NDManager step = embeds.getManager();
        int b = (int) embeds.getShape().get(0);
        int t = (int) embeds.getShape().get(1);
        checkSegments(in.segments(), b, t, "");
        NDArray virtual = own(prompt.getArray().expandDims(0), step).broadcast(new Shape(b, n, embeds.getShape().get(2)));
        NDArray h = virtual.concat(embeds, 1); // (B, N+T, D)
        long[][] positions = new long[b][n + t];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < n + t; i++) {
                positions[r][i] = i < n ? i : n + (in.positions() == null ? i - n : in.positions()[r][i - n]);
            }
        }
        return ForwardInput.builder().setInputEmbeds(h).optPositions(positions)
                .optSegments(prependShared(in.segments(), b, t)).build();
    }

    /** A decode step after a prefill: the N virtual tokens are already the first N cache entries. */
    private NDArray decodeStep(LlamaForCausalLM base, ForwardInput in, KvCache cache) {
        NDArray first = in.inputIds() != null ? in.inputIds() : in.inputEmbeds();
        int b = (int) first.getShape().get(0);
        int t = (int) first.getShape().get(1);
        int past = cache.length();
        if (past < n) {
            throw new IllegalStateException("the KV cache holds " + past + " positions, fewer than the " + n
                    + " virtual tokens; it was not filled by this prompt-tuned model");
        }
        checkSegments(in.segments(), b, past - n + t, " (the caller's tokens, past + T)");
        long[][] positions = new long[b][t];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) {
                positions[r][i] = in.positions() == null ? past + i : n + in.positions()[r][i];
            }
        }
        return base.forward(in.toBuilder().optPositions(positions)
                .optSegments(prependShared(in.segments(), b, past - n + t)).build());
    }

    private static void checkSegments(int[][] segments, int b, int length, String what) {
        if (segments == null) {
            return;
        }
        if (segments.length != b) {
            throw new IllegalArgumentException("segments have " + segments.length + " rows for a batch of " + b);
        }
        for (int r = 0; r < b; r++) {
            if (segments[r].length != length) {
                throw new IllegalArgumentException("segments row " + r + " has " + segments[r].length
                        + " labels; expected " + length + what);
            }
        }
    }

    /** N {@link ForwardInput#SHARED} labels (the virtual tokens) in front of the caller's (null: all 0). */
    private int[][] prependShared(int[][] segments, int b, int length) {
        int[][] out = new int[b][n + length];
        for (int r = 0; r < b; r++) {
            Arrays.fill(out[r], 0, n, ForwardInput.SHARED);
            if (segments != null) {
                System.arraycopy(segments[r], 0, out[r], n, length);
            }
        }
        return out;
    }

    /** Moves the result of an op on a parameter out of the parameters' manager (notes §1). */
    private static NDArray own(NDArray a, NDManager step) {
        a.attach(step);
        return a;
    }
}
