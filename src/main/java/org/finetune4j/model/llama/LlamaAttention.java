package org.finetune4j.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.model.LinearLayer;
import org.finetune4j.model.Module;
import org.finetune4j.model.Scalars;
import org.finetune4j.model.kernels.FusedKernel;
import org.finetune4j.model.kernels.FusedOps;

/**
 * Grouped-query causal self-attention ({@code self_attn}): q/k/v/o projections, RoPE on q and k,
 * softmax in float32.
 *
 * <p>With a mask and float32/float64 tensors, attention runs as one fused libtorch
 * {@code scaled_dot_product_attention} call ({@link FusedOps}); otherwise, and with
 * {@code -Dfinetune4j.fusedOps=false}, as the eager NDArray ops below.
 *
 * <p>GQA without copying keys: query head {@code h} uses KV head {@code h / groups}, so the H query heads
 * are viewed as {@code (H_kv, groups·T)} rows and multiplied against the H_kv key heads directly.
 */
public final class LlamaAttention extends Module {
    private LinearLayer q;
    private LinearLayer k;
    private LinearLayer v;
    private LinearLayer o;
    private final int layerIndex;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final NDArray scale;

    public LlamaAttention(LlamaConfig config, int layerIndex, LinearLayer q, LinearLayer k, LinearLayer v,
            LinearLayer o, Scalars scalars) {
        this.layerIndex = layerIndex;
        this.heads = config.numAttentionHeads();
        this.kvHeads = config.numKeyValueHeads();
        this.headDim = config.headDim();
        this.q = registerModule("q_proj", q);
        this.k = registerModule("k_proj", k);
        this.v = registerModule("v_proj", v);
        this.o = registerModule("o_proj", o);
        this.scale = scalars.of((float) (1.0 / Math.sqrt(headDim)));
    }

    @Override
    protected void onModuleReplaced(String name, Module m) {
        switch (name) {
            case "q_proj" -> q = (LinearLayer) m;
            case "k_proj" -> k = (LinearLayer) m;
            case "v_proj" -> v = (LinearLayer) m;
            case "o_proj" -> o = (LinearLayer) m;
            default -> throw new IllegalArgumentException(name);
        }
    }

    /** x (B, T, D) -> (B, T, D). */
    public NDArray forward(NDArray x, AttentionContext ctx) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        // (B, T, D) -> (B, T, h, d) -> (B, h, T, d)
        NDArray qh = q.forward(x).reshape(b, t, heads, headDim).transpose(0, 2, 1, 3);
        NDArray kh = k.forward(x).reshape(b, t, kvHeads, headDim).transpose(0, 2, 1, 3);
        NDArray vh = v.forward(x).reshape(b, t, kvHeads, headDim).transpose(0, 2, 1, 3);
        qh = RotaryEmbedding.apply(qh, ctx.cos(), ctx.sin());
        kh = RotaryEmbedding.apply(kh, ctx.cos(), ctx.sin());
        if (ctx.cache() != null) { // (B, H_kv, past+T, d)
            NDArray[] kv = ctx.cache().append(layerIndex, kh, vh);
            kh = kv[0];
            vh = kv[1];
        }
        if (ctx.prefix() != null) { // prefix keys carry no rotation: (B, H_kv, N + Tk, d)
            NDArray[] p = ctx.prefix().keysValues(layerIndex, (int) b, x.getManager());
            kh = p[0].concat(kh, 2);
            vh = p[1].concat(vh, 2);
        }
        // one libtorch call when it can: no (B, H, T, Tk) scores/probabilities tensors, same maths
        NDArray out = ctx.mask() != null && FusedOps.isActive(FusedKernel.ATTENTION, qh.getDataType())
                ? FusedOps.attention(qh, kh, vh, ctx.mask())
                : eagerAttention(qh, kh, vh, ctx.mask(), b, t); // (B, H, T, d)
        return o.forward(out.transpose(0, 2, 1, 3) // (B, T, H, d)
                .reshape(new Shape(b, t, (long) heads * headDim)));
    }

    /**
     * The NDArray spelling of attention, used for half types, single-token steps without a mask and when
     * the fused ops are off: q (B, H, T, d), k/v (B, H_kv, Tk, d) -> (B, H, T, d).
     */
    private NDArray eagerAttention(NDArray qh, NDArray kh, NDArray vh, NDArray mask, long b, long t) {
        int groups = heads / kvHeads;
        long tk = kh.getShape().get(2);
        // (B, H, T, d) -> (B, H_kv, groups·T, d): rows of the `groups` query heads sharing one KV head
        NDArray qg = qh.mul(scale).reshape(b, kvHeads, groups * t, headDim);
        NDArray scores = qg.matMul(kh.transpose(0, 1, 3, 2)) // (B, H_kv, groups·T, Tk)
                .reshape(b, heads, t, tk); // (B, H, T, Tk)
        DataType type = scores.getDataType();
        if (mask != null) {
            // the mask carries no gradient, so casting it is safe; a float32 mask would promote half scores
            NDArray m = mask.getDataType() == type ? mask : mask.toType(type, false);
            scores = scores.add(m); // (B, 1, T, Tk) broadcast over heads
        }
        // Half-precision scores are softmaxed in their dtype (libtorch's CUDA softmax accumulates in float32):
        // HF's upcast-then-cast-back cannot be written with DJL, whose toType runs without autograd.
        NDArray probs = scores.softmax(3);
        return probs.reshape(b, kvHeads, groups * t, tk).matMul(vh) // (B, H_kv, groups·T, d)
                .reshape(b, heads, t, headDim);
    }

    public LinearLayer qProj() { return q; }
    public LinearLayer kProj() { return k; }
    public LinearLayer vProj() { return v; }
    public LinearLayer oProj() { return o; }
}
