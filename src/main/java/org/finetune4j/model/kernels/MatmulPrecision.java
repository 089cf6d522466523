package org.finetune4j.model.kernels;

import java.util.Locale;
import java.util.Objects;

/**
 * The precision of the products in the model's linear layers (projections, LoRA's A, the LM head), chosen for the
 * whole JVM by the system property {@value #PROPERTY} ({@code fp32}, the default, or {@code bf16}) or the command
 * line's {@code --matmul}.
 *
 * <p>{@link #BF16} is mixed precision as PyTorch's {@code autocast} does it: weights, activations and gradients stay
 * float32; each product rounds its two operands to bfloat16 ({@link FusedKernel#LINEAR_BF16}), sums in float32 and
 * rounds its result to bfloat16. On a CPU with bfloat16 matrix units (Intel AMX, AVX-512 BF16) and on recent GPUs the
 * products run several times faster; elsewhere libtorch emulates them and they are slower. The rounding changes
 * results in the third significant digit, so a run in bf16 is not bit-for-bit the float32 run.
 */
public enum MatmulPrecision {
    /** float32 operands and products (the default). */
    FP32,
    /** bfloat16 operands and results, float32 accumulation; float32 everywhere else. */
    BF16;

    /** System property: {@code fp32} or {@code bf16}. */
    public static final String PROPERTY = "finetune4j.matmul";

    /** The last value read and what it selected: {@link #current} runs on every linear forward. */
    private record Reading(String raw, MatmulPrecision precision) {}

    private static volatile Reading last = new Reading(null, FP32);

    /** The precision the system property selects now (parsed again only when the property's text changes). */
    public static MatmulPrecision current() {
        String raw = System.getProperty(PROPERTY);
        Reading r = last;
        if (Objects.equals(raw, r.raw())) {
            return r.precision();
        }
        MatmulPrecision p;
        if (raw == null || raw.isBlank()) {
            p = FP32;
        } else {
            try {
                p = of(raw);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("system property " + PROPERTY + ": " + e.getMessage(), e);
            }
        }
        last = new Reading(raw, p);
        return p;
    }

    /** {@code fp32} or {@code bf16}, in any case. */
    public static MatmulPrecision of(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + name + "' is not fp32 or bf16", e);
        }
    }

    /** Selects this precision for every model of the JVM from now on. */
    public void use() {
        System.setProperty(PROPERTY, name().toLowerCase(Locale.ROOT));
    }
}
