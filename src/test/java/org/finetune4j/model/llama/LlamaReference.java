package org.finetune4j.model.llama;

import java.nio.ByteBuffer;
import java.util.Map;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.io.HostTensor;

/**
 * An independent, deliberately naive float64 implementation of the HF Llama forward pass, written
 * from shared/reference/hf-checkpoint.md §3–5 with plain loops (no DJL), used as the golden reference.
 */
final class LlamaReference {
    private final LlamaConfig c;
    private final Map<String, HostTensor> w;

    LlamaReference(LlamaConfig c, Map<String, HostTensor> weights) {
        this.c = c;
        this.w = weights;
    }

    private double[] vec(String name) {
        HostTensor t = w.get(name);
        ByteBuffer b = t.data();
        double[] v = new double[(int) t.numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getFloat(4 * i);
        }
        return v;
    }

    /** y[o] = sum_i W[o][i] x[i] (+ bias[o]); W stored (out, in). */
    private double[] linear(String prefix, double[] x, boolean bias) {
        double[] wt = vec(prefix + ".weight");
        int in = x.length;
        int out = wt.length / in;
        double[] y = new double[out];
        double[] b = bias ? vec(prefix + ".bias") : null;
        for (int o = 0; o < out; o++) {
            double s = 0;
            for (int i = 0; i < in; i++) {
                s += wt[o * in + i] * x[i];
            }
            y[o] = s + (b == null ? 0 : b[o]);
        }
        return y;
    }

    private double[] rmsNorm(double[] x, String weight) {
        double[] g = vec(weight);
        double ms = 0;
        for (double v : x) {
            ms += v * v;
        }
        ms /= x.length;
        double inv = 1 / Math.sqrt(ms + c.rmsNormEps());
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = g[i] * x[i] * inv;
        }
        return y;
    }

    /** Rotates one head vector in place by position p: pairs (j, j + d/2). */
    private void rope(double[] x, int off, int d, int p, double[] invFreq) {
        for (int j = 0; j < d / 2; j++) {
            double a = p * invFreq[j];
            double x1 = x[off + j];
            double x2 = x[off + j + d / 2];
            x[off + j] = x1 * Math.cos(a) - x2 * Math.sin(a);
            x[off + j + d / 2] = x2 * Math.cos(a) + x1 * Math.sin(a);
        }
    }

    /** Inverse frequencies computed independently of RotaryEmbedding, in double. */
    private double[] invFreq() {
        int d = c.headDim();
        double[] f = new double[d / 2];
        for (int i = 0; i < d / 2; i++) {
            f[i] = 1.0 / Math.pow(c.ropeTheta(), 2.0 * i / d);
        }
        if (c.ropeScaling().type() == org.finetune4j.config.RopeType.LLAMA3) {
            var s = c.ropeScaling();
            double lowW = s.originalMaxPositionEmbeddings() / s.lowFreqFactor();
            double highW = s.originalMaxPositionEmbeddings() / s.highFreqFactor();
            for (int i = 0; i < f.length; i++) {
                double wl = 2 * Math.PI / f[i];
                if (wl > lowW) {
                    f[i] = f[i] / s.factor();
                } else if (wl >= highW) {
                    double sm = (s.originalMaxPositionEmbeddings() / wl - s.lowFreqFactor())
                            / (s.highFreqFactor() - s.lowFreqFactor());
                    f[i] = (1 - sm) * f[i] / s.factor() + sm * f[i];
                }
            }
        }
        return f;
    }

    /** Logits (T, V) for one unpadded sequence. */
    double[][] logits(int[] ids) {
        int t = ids.length;
        int d = c.hiddenSize();
        int hd = c.headDim();
        int nh = c.numAttentionHeads();
        int nkv = c.numKeyValueHeads();
        double[] emb = vec("model.embed_tokens.weight");
        double[] inv = invFreq();
        double[][] h = new double[t][d];
        for (int i = 0; i < t; i++) {
            System.arraycopy(emb, ids[i] * d, h[i], 0, d);
        }
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            String p = "model.layers." + l + ".";
            double[][] q = new double[t][];
            double[][] k = new double[t][];
            double[][] v = new double[t][];
            for (int i = 0; i < t; i++) {
                double[] x = rmsNorm(h[i], p + "input_layernorm.weight");
                q[i] = linear(p + "self_attn.q_proj", x, c.qkvBias());
                k[i] = linear(p + "self_attn.k_proj", x, c.qkvBias());
                v[i] = linear(p + "self_attn.v_proj", x, c.qkvBias());
                for (int head = 0; head < nh; head++) {
                    rope(q[i], head * hd, hd, i, inv);
                }
                for (int head = 0; head < nkv; head++) {
                    rope(k[i], head * hd, hd, i, inv);
                }
            }
            double[][] attnOut = new double[t][nh * hd];
            for (int head = 0; head < nh; head++) {
                int kvHead = head / (nh / nkv);
                for (int i = 0; i < t; i++) {
                    double[] s = new double[i + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= i; j++) {
                        double dot = 0;
                        for (int e = 0; e < hd; e++) {
                            dot += q[i][head * hd + e] * k[j][kvHead * hd + e];
                        }
                        s[j] = dot / Math.sqrt(hd);
                        max = Math.max(max, s[j]);
                    }
                    double z = 0;
                    for (int j = 0; j <= i; j++) {
                        s[j] = Math.exp(s[j] - max);
                        z += s[j];
                    }
                    for (int j = 0; j <= i; j++) {
                        for (int e = 0; e < hd; e++) {
                            attnOut[i][head * hd + e] += s[j] / z * v[j][kvHead * hd + e];
                        }
                    }
                }
            }
            for (int i = 0; i < t; i++) {
                double[] o = linear(p + "self_attn.o_proj", attnOut[i], c.oBias());
                for (int e = 0; e < d; e++) {
                    h[i][e] += o[e];
                }
                double[] x = rmsNorm(h[i], p + "post_attention_layernorm.weight");
                double[] g = linear(p + "mlp.gate_proj", x, c.mlpBias());
                double[] u = linear(p + "mlp.up_proj", x, c.mlpBias());
                for (int e = 0; e < g.length; e++) {
                    g[e] = g[e] / (1 + Math.exp(-g[e])) * u[e];
                }
                double[] down = linear(p + "mlp.down_proj", g, c.mlpBias());
                for (int e = 0; e < d; e++) {
                    h[i][e] += down[e];
                }
            }
        }
        double[][] out = new double[t][];
        String head = c.tieWordEmbeddings() ? "model.embed_tokens" : "lm_head";
        for (int i = 0; i < t; i++) {
            out[i] = linear(head, rmsNorm(h[i], "model.norm.weight"), false);
        }
        return out;
    }
}
