package org.finetune4j.model.kernels;

/**
 * The libtorch ops that DJL 0.36 does not expose, each as a one-method TorchScript module.
 *
 * <p>Why: the eager model spells attention, SwiGLU and RMSNorm with several NDArray ops, each a separate
 * ATen kernel that writes a full-size intermediate and saves it for backward. A single libtorch call does
 * the same maths with fewer passes over memory (for attention: no (B, H, T, Tk) score, mask-add or
 * softmax tensors at all).
 */
public enum FusedKernel {
    /**
     * {@code scaled_dot_product_attention(q, k, v, mask)} with the default scale {@code 1/sqrt(d)}:
     * q (B, H, T, d), k and v (B, H, Tk, d), additive mask (B, 1, T, Tk) -> (B, H, T, d).
     */
    ATTENTION("Attention", """
                q: Tensor,
                k: Tensor,
                v: Tensor,
                mask: Tensor) -> Tensor:
                return torch.scaled_dot_product_attention(q, k, v, mask, 0., False)
            """),
    /**
     * Grouped-query variant of {@link #ATTENTION}: k and v have H_kv heads, H a multiple of H_kv, and
     * query head h reads KV head {@code h / (H / H_kv)}. Selected together with {@link #ATTENTION}:
     * {@link FusedOps#attention} picks it by the head counts.
     *
     * <p>Why the KV heads are repeated here rather than passed with {@code enable_gqa=True}: libtorch 2.7's CPU
     * flash-attention kernel does not take grouped heads, so {@code enable_gqa} falls back to the unfused maths
     * path (batched matmuls, a (B, H, T, Tk) softmax and its backward). Repeating k and v, (B, H_kv, Tk, d) ->
     * (B, H, Tk, d), keeps the flash kernel: measured on the tiny base's shape (dim 256, 8 heads over 4 KV
     * heads, T 256, B 4), session 21.
     */
    ATTENTION_GQA("AttentionGqa", """
                q: Tensor,
                k: Tensor,
                v: Tensor,
                mask: Tensor) -> Tensor:
                groups = torch.floordiv(torch.size(q, 1), torch.size(k, 1))
                k_all = torch.repeat_interleave(k, groups, 1)
                v_all = torch.repeat_interleave(v, groups, 1)
                return torch.scaled_dot_product_attention(q, k_all, v_all, mask, 0., False)
            """),
    /** {@code silu(gate) ⊙ up}, both (…, F). */
    SWIGLU("SwiGlu", """
                gate: Tensor,
                up: Tensor) -> Tensor:
                return torch.mul(torch.silu(gate), up)
            """),
    /**
     * {@code x · wᵀ} with both operands rounded to bfloat16, the products summed in float32 and the result rounded
     * to bfloat16 (as under autocast) and returned widened to float32:
     * x (…, in) and w (out, in) float32 -> (…, out) float32. Used only when {@link MatmulPrecision#BF16} is chosen
     * ({@link FusedOps#linear}). The casts happen inside the module because DJL 0.36 cannot hold a bfloat16
     * array; autograd records them, so gradients reach x and w in float32 (ScalarType 15 is bfloat16, 6 float32).
     */
    LINEAR_BF16("LinearBf16", """
                x: Tensor,
                w: Tensor) -> Tensor:
                return torch.to(torch.linear(torch.to(x, 15), torch.to(w, 15)), 6)
            """),
    /** {@code x · rsqrt(mean(x², -1) + eps) ⊙ weight}: x (…, D), weight (D), eps a 0-d tensor. */
    RMS_NORM("RmsNorm", """
                x: Tensor,
                weight: Tensor,
                eps: Tensor) -> Tensor:
                variance = torch.mean(torch.mul(x, x), [-1], True)
                return torch.mul(torch.mul(x, torch.rsqrt(torch.add(variance, eps))), weight)
            """);

    private final String className;
    private final String forward;

    FusedKernel(String className, String forward) {
        this.className = className;
        this.forward = forward;
    }

    /** The TorchScript archive that defines this kernel as the {@code forward} of a parameterless module. */
    public TorchScriptArchive archive() {
        return new TorchScriptArchive(className, forward);
    }

    /** File name of the written archive, {@code finetune4j_<kernel>.pt}. */
    String fileStem() {
        return "finetune4j_" + name().toLowerCase(java.util.Locale.ROOT);
    }
}
