package org.finetune4j.task;

import java.util.LinkedHashMap;
import java.util.Map;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.io.HalfFloats;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.TensorDType;
import org.finetune4j.model.WeightSource;

/**
 * Sets, in a randomly initialised Llama, one attention head of layer 0 that looks at the previous position
 * whatever the tokens are: the first half of an induction (copy) circuit. A later layer can then learn "find
 * the earlier position whose previous token is my token, and predict what followed it" — in-context copying,
 * which is what the payments task needs for names and phone numbers it has never seen.
 *
 * <p>Why: a model this small, trained from scratch, does not find the circuit by itself in any affordable number
 * of steps (session-4 pilots: random 4–23-token segments repeated after a gap, 1,400 steps of 16 × 128 tokens, the
 * copy loss stayed near chance); with this head in place the copy loss fell from chance to 0.1 nats by step 1,300.
 *
 * <p>How: the last embedding channel is set to the same constant for every token, so after the first RMSNorm it
 * is a large, content-free value {@code c}. Query head 0 and KV head 0 of layer 0 read only that channel, on the
 * first {@link #PAIRS} rotary pairs: {@code k_j = a}, {@code (q_j, q_{j+half}) = a (cos θ_j, −sin θ_j)}. Rotary
 * embedding turns the score of query position m and key position n into {@code Σ_j a²c² cos((m − n − 1) θ_j)},
 * largest at m − n = 1. The head's value rows are scaled up so its output stands out in the residual stream.
 * Everything else keeps its random initialisation and all of it is trained as usual.
 */
public final class PreviousTokenHead {
    /** Rotary pairs used: the fastest-turning ones, so distance 1 beats every other distance up to the context. */
    static final int PAIRS = 5;
    /** The constant channel's value in the embedding table. */
    static final float CHANNEL_VALUE = 0.32f;
    /** Score at distance 1 divided by √headDim, in nats: ≈ 75, so softmax puts ~all weight there. */
    static final double SCORE_AMPLITUDE = 9.2;
    /** Gain on the head's value rows. */
    static final float VALUE_GAIN = 3f;

    private PreviousTokenHead() {}

    /** The weights of {@code source} with the previous-token head set; {@code initStd} is the init's std. */
    public static WeightSource apply(LlamaConfig c, WeightSource source, double initStd) {
        int d = c.hiddenSize();
        int hd = c.headDim();
        int half = hd / 2;
        if (half < PAIRS) {
            throw new IllegalArgumentException("head dim " + hd + " has fewer than " + PAIRS + " rotary pairs");
        }
        int channel = d - 1;
        // the channel after RMSNorm (weight 1 at init): c / rms over d channels, the others having std initStd
        double normed = CHANNEL_VALUE / Math.sqrt((CHANNEL_VALUE * CHANNEL_VALUE + (d - 1) * initStd * initStd) / d);
        Map<String, HostTensor> t = new LinkedHashMap<>();
        for (String n : source.names()) {
            t.put(n, source.get(n));
        }
        String embName = "model.embed_tokens.weight";
        float[] emb = floats(source.get(embName)); // (V, D)
        for (int i = 0; i < c.vocabSize(); i++) {
            emb[i * d + channel] = CHANNEL_VALUE;
        }
        t.put(embName, HostTensor.ofFloats(emb, c.vocabSize(), d));

        String prefix = "model.layers.0.self_attn.";
        float[] q = floats(source.get(prefix + "q_proj.weight")); // (H·hd, D); head 0 = rows 0..hd-1
        float[] k = floats(source.get(prefix + "k_proj.weight")); // (H_kv·hd, D); KV head 0 serves query head 0
        float[] v = floats(source.get(prefix + "v_proj.weight"));
        for (int r = 0; r < hd; r++) {
            for (int col = 0; col < d; col++) {
                q[r * d + col] = 0;
                k[r * d + col] = 0;
                v[r * d + col] *= VALUE_GAIN;
            }
        }
        // with a = SCORE_AMPLITUDE / c each pair adds SCORE_AMPLITUDE² cos((m − n − 1) θ_j) / √hd to the score
        // (≈ 15 at distance 1 for hd 32; 75 over the five pairs)
        double a = SCORE_AMPLITUDE / normed;
        double[] invFreq = new double[PAIRS];
        for (int j = 0; j < PAIRS; j++) {
            invFreq[j] = Math.pow(c.ropeTheta(), -2.0 * j / hd);
            q[j * d + channel] = (float) (a * Math.cos(invFreq[j]));
            q[(j + half) * d + channel] = (float) (-a * Math.sin(invFreq[j]));
            k[j * d + channel] = (float) a;
        }
        t.put(prefix + "q_proj.weight", HostTensor.ofFloats(q, (long) c.numAttentionHeads() * hd, d));
        t.put(prefix + "k_proj.weight", HostTensor.ofFloats(k, (long) c.numKeyValueHeads() * hd, d));
        t.put(prefix + "v_proj.weight", HostTensor.ofFloats(v, (long) c.numKeyValueHeads() * hd, d));
        return WeightSource.of(t, source.description() + " + previous-token head (layer 0, head 0)");
    }

    /** The values of a float32 tensor: the init's dtype, which the tensors written back keep. */
    private static float[] floats(HostTensor t) {
        if (t.dtype() != TensorDType.F32) {
            throw new IllegalArgumentException("expected float32 initial weights, got " + t);
        }
        return HalfFloats.toFloats(t);
    }
}
