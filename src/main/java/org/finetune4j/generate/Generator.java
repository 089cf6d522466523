package org.finetune4j.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.finetune4j.generate.constraint.TokenConstraint;
import org.finetune4j.io.NDArrays;
import org.finetune4j.model.CausalLM;
import org.finetune4j.model.llama.ForwardInput;
import org.finetune4j.model.llama.KvCache;

/**
 * Autoregressive generation with a KV cache, for a batch of prompts at once.
 *
 * <p>Prompts of different lengths are left-padded: pads are hidden from attention and rotary
 * positions start at 0 on each row's first real token, so a row generates the same tokens alone or in
 * a batch. Each step feeds only the new token and reads keys/values of earlier ones from the cache.
 * Batching is what makes CPU evaluation fast (shared/notes/djl-training-facts.md §3).
 */
public final class Generator {
    private final CausalLM model;
    private final Function<long[], String> detokenizer;

    /**
     * @param detokenizer decodes new tokens to text, for stop strings and {@link GeneratedSequence#text()};
     *                    may be null when neither is needed
     */
    public Generator(CausalLM model, Function<long[], String> detokenizer) {
        this.model = model;
        this.detokenizer = detokenizer;
    }

    public GeneratedSequence generate(long[] prompt, SamplingConfig config, TokenListener listener) {
        return generate(List.of(prompt), config, listener).get(0);
    }

    /** Generates a continuation of every prompt; results are in prompt order. */
    public List<GeneratedSequence> generate(List<long[]> prompts, SamplingConfig config, TokenListener listener) {
        return generate(prompts, null, config, listener);
    }

    /**
     * Generates a continuation of every prompt, each under its own constraint (constrained decoding): before a
     * token is chosen, the tokens its constraint forbids are masked out.
     *
     * @param constraints one per prompt, or null for none
     */
    public List<GeneratedSequence> generate(List<long[]> prompts, List<? extends TokenConstraint> constraints,
            SamplingConfig config, TokenListener listener) {
        if (prompts.isEmpty()) {
            return List.of();
        }
        if (constraints != null && constraints.size() != prompts.size()) {
            throw new IllegalArgumentException(constraints.size() + " constraints for " + prompts.size() + " prompts");
        }
        if (!config.stopStrings().isEmpty() && detokenizer == null) {
            throw new IllegalArgumentException("stop strings need a detokenizer");
        }
        int b = prompts.size();
        int maxPrompt = 0;
        for (long[] p : prompts) {
            if (p.length == 0) {
                throw new IllegalArgumentException("empty prompt: a prompt needs at least one token");
            }
            maxPrompt = Math.max(maxPrompt, p.length);
        }
        int contextLimit = model.config().maxPositionEmbeddings();
        int maxNew = Math.min(config.maxNewTokens(), Math.max(0, contextLimit - maxPrompt));
        int capacity = maxPrompt + Math.max(1, maxNew);
        int[][] segments = new int[b][capacity];
        long[][] sequences = new long[b][maxPrompt + maxNew]; // prompt then new tokens, per row
        int[] lengths = new int[b];
        int[] pads = new int[b];
        long[] prefill = new long[b * maxPrompt];
        long[][] positions = new long[b][maxPrompt];
        for (int r = 0; r < b; r++) {
            long[] p = prompts.get(r);
            pads[r] = maxPrompt - p.length;
            System.arraycopy(p, 0, sequences[r], 0, p.length);
            lengths[r] = p.length;
            for (int i = 0; i < maxPrompt; i++) {
                boolean pad = i < pads[r];
                segments[r][i] = pad ? -1 : 0;
                prefill[r * maxPrompt + i] = pad ? 0 : p[i - pads[r]];
                positions[r][i] = pad ? 0 : i - pads[r];
            }
        }
        List<List<Long>> generated = new ArrayList<>();
        FinishReason[] reasons = new FinishReason[b];
        String[] texts = new String[b];
        for (int r = 0; r < b; r++) {
            generated.add(new ArrayList<>());
        }
        Sampler sampler = new Sampler(config);
        JniUtils.setGradMode(false); // new threads start recording graphs (notes §5); generation never needs one
        try (NDManager gen = model.resources().newStepManager()) {
            KvCache cache = new KvCache(model.config(), b, capacity + model.extraCachePositions(), gen,
                    model.resources().computeType());
            int filled = maxPrompt; // positions of the caller's tokens in the cache (virtual tokens excluded)
            float[] logits;
            try (NDManager step = gen.newSubManager()) {
                NDArray ids = step.create(prefill, new Shape(b, maxPrompt));
                logits = NDArrays.floats(model.forward(ForwardInput.builder().setInputIds(ids).optCache(cache)
                        .optSegments(prefix(segments, maxPrompt)).optPositions(positions)
                        .optLastPositionOnly(true).build())); // (B·V)
            }
            int vocab = model.config().vocabSize();
            for (int s = 0; s < maxNew; s++) {
                long[] next = new long[b];
                long[][] nextPos = new long[b][1];
                boolean anyActive = false;
                for (int r = 0; r < b; r++) {
                    if (reasons[r] != null) {
                        continue;
                    }
                    float[] row = Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
                    if (constraints != null) {
                        constraints.get(r).mask(row, config.stopTokenIds());
                    }
                    long token = sampler.next(row, sequences[r], lengths[r]);
                    listener.onToken(r, token);
                    if (config.stopTokenIds().contains(token)) {
                        reasons[r] = FinishReason.STOP_TOKEN;
                        continue;
                    }
                    if (constraints != null) {
                        constraints.get(r).accept(token);
                    }
                    sequences[r][lengths[r]++] = token;
                    generated.get(r).add(token);
                    if (!config.stopStrings().isEmpty()) {
                        String text = detokenizer.apply(toArray(generated.get(r)));
                        int cut = firstStop(text, config.stopStrings());
                        if (cut >= 0) {
                            reasons[r] = FinishReason.STOP_STRING;
                            texts[r] = text.substring(0, cut);
                            continue;
                        }
                    }
                    next[r] = token;
                    nextPos[r][0] = lengths[r] - 1;
                    anyActive = true;
                }
                if (!anyActive || s == maxNew - 1) {
                    break;
                }
                int past = filled++;
                for (int r = 0; r < b; r++) {
                    segments[r][past] = reasons[r] == null ? 0 : -1; // finished rows only feed padding
                }
                try (NDManager step = gen.newSubManager()) {
                    NDArray ids = step.create(next, new Shape(b, 1));
                    logits = NDArrays.floats(model.forward(ForwardInput.builder().setInputIds(ids).optCache(cache)
                            .optSegments(prefix(segments, past + 1)).optPositions(nextPos)
                            .optLastPositionOnly(true).build()));
                }
            }
        }
        List<GeneratedSequence> out = new ArrayList<>(b);
        for (int r = 0; r < b; r++) {
            long[] tokens = toArray(generated.get(r));
            FinishReason reason = reasons[r] == null ? FinishReason.LENGTH : reasons[r];
            String text = texts[r] != null ? texts[r] : (detokenizer == null ? null : detokenizer.apply(tokens));
            out.add(new GeneratedSequence(tokens, reason, text));
        }
        return out;
    }

    private static int[][] prefix(int[][] segments, int n) {
        int[][] out = new int[segments.length][];
        for (int r = 0; r < segments.length; r++) {
            out[r] = Arrays.copyOf(segments[r], n);
        }
        return out;
    }

    private static int firstStop(String text, List<String> stops) {
        int best = -1;
        for (String s : stops) {
            int i = text.indexOf(s);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    private static long[] toArray(List<Long> l) {
        long[] a = new long[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }
}
