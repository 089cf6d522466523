package org.finetune4j.peft.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import org.finetune4j.model.Linear;
import org.finetune4j.model.LinearLayer;
import org.finetune4j.model.Scalars;

/**
 * A frozen linear layer plus a trainable low-rank update, as PEFT's {@code LoraLayer}:
 * {@code y = base(x) + scale · B(A(dropout(x)))} with A {@code (r, in)}, B {@code (out, r)}.
 *
 * <p>Children are named as PEFT names them in memory ({@code base_layer}, {@code lora_A},
 * {@code lora_B}; DoRA adds {@code lora_magnitude_vector}), minus PEFT's adapter-name segment.
 *
 * <p>DoRA (weight-decomposed LoRA): with {@code V = W + scale·B·A} and magnitude {@code m (out)},
 * {@code y = base(x) + (s − 1) ⊙ x·Wᵀ + s ⊙ scale·B(A(x))}, {@code s = m / ‖V‖_row}, the norm detached
 * from autograd as in the DoRA paper §4.3.
 */
public final class LoraLinear extends LinearLayer {
    private final LinearLayer base;
    private final Linear loraA;
    private final Linear loraB;
    private final Parameter magnitude; // (out), DoRA only
    private final NDArray scale;
    private final NDArray one;
    private final float scaleValue;
    private final float dropout;
    private boolean training;

    /**
     * @param a         (r, in) initial A
     * @param b         (out, r) initial B (zeros for PEFT's init)
     * @param magnitude (out) DoRA magnitude (row norms of W at start), or null for plain LoRA
     */
    public LoraLinear(LinearLayer base, NDArray a, NDArray b, NDArray magnitude, float scaling, float dropout,
            Scalars scalars) {
        this.base = registerModule("base_layer", base);
        this.loraA = registerModule("lora_A", new Linear(a, null, true));
        this.loraB = registerModule("lora_B", new Linear(b, null, true));
        this.magnitude = magnitude == null ? null : registerParameter("lora_magnitude_vector", magnitude, true);
        this.scale = scalars.of(scaling);
        this.one = scalars.of(1f);
        this.scaleValue = scaling;
        this.dropout = dropout;
        base.setTrainable(false);
    }

    @Override
    public NDArray forward(NDArray x) {
        if (magnitude == null) {
            return loraForward(x);
        }
        NDArray y = base.forward(x); // (…, out)
        NDArray update = loraB.forward(scaledLow(x)); // (…, out)
        NDManager step = x.getManager();
        NDArray w = base.denseWeight(step); // (out, in)
        NDArray norm = unscaledRowNorm(w, step); // (out); carries no gradient
        NDArray s = own(magnitude.getArray().div(norm), step); // (out), m / ‖V‖
        NDArray baseNoBias = base.bias() == null ? y : y.sub(base.bias());
        return y.add(baseNoBias.mul(s.sub(one))).add(update.mul(s));
    }

    /**
     * Plain LoRA as two GEMMs and one {@code addmm}: {@code y = base(x) + low·Bᵀ} with the base output as
     * addmm's accumulator, so no separate (…, out) update tensor is written and added (one pass less over
     * the largest activation, forward and backward), same maths.
     */
    private NDArray loraForward(NDArray x) {
        Shape shape = x.getShape(); // (…, in)
        NDArray x2 = x.reshape(-1, shape.tail()); // (N, in), a view of contiguous x
        NDArray y2 = base.forward(x2); // (N, out)
        NDArray low = scaledLow(x2); // (N, r)
        // torch linear with a 2-D input and bias is addmm(bias, input, weightᵀ); the "bias" is y2 (N, out)
        NDArray y = low.getNDArrayInternal().linear(low, loraB.weight(), y2).singletonOrThrow();
        return y.reshape(shape.slice(0, shape.dimension() - 1).add(base.outFeatures())); // (…, out)
    }

    /** {@code scale · A(dropout(x))}: (…, in) -> (…, r). */
    private NDArray scaledLow(NDArray x) {
        NDArray xa = training && dropout > 0
                ? x.getNDArrayInternal().dropout(x, dropout, true).singletonOrThrow() : x;
        // The scale is applied on the rank-r activation, not on the (…, out) update: r/out as many multiplies
        // (16/1376 on an MLP projection), and none when scale == 1 (the guide's r = alpha).
        NDArray low = loraA.forward(xa); // (…, r)
        return scaleValue == 1f ? low : low.mul(scale);
    }

    /**
     * Ops whose first operand is a parameter put their result in the parameters' manager (notes §1);
     * moving each such result to the step manager keeps per-step memory from leaking there.
     */
    private static NDArray own(NDArray a, NDManager step) {
        a.attach(step);
        return a;
    }

    /** ‖W + scale·B·A‖ per output row, on detached copies: (out). */
    private NDArray unscaledRowNorm(NDArray w, NDManager step) {
        return detachedSum(w, step).square().sum(new int[] {1}).sqrt();
    }

    /** {@code W + scale·B·A} (out, in) on detached copies, in {@code step}. */
    private NDArray detachedSum(NDArray w, NDManager step) {
        return own(w.stopGradient(), step).add(deltaWeight(step));
    }

    /** {@code scale · B·A}, (out, in), without recording; in {@code m}. */
    public NDArray deltaWeight(NDManager m) {
        NDArray b = own(loraB.weight().stopGradient(), m);
        NDArray a = own(loraA.weight().stopGradient(), m);
        return b.matMul(a).mul(scale); // (out, r)·(r, in)
    }

    /**
     * The dense weight this layer is equivalent to: {@code W + scale·B·A}, or DoRA's
     * {@code (m / ‖W + scale·B·A‖_row) ⊙ (W + scale·B·A)}. In {@code m}.
     */
    public NDArray mergedWeight(NDManager m) {
        NDArray v = detachedSum(base.denseWeight(m), m);
        if (magnitude != null) {
            NDArray norm = v.square().sum(new int[] {1}, true).sqrt(); // (out, 1)
            NDArray mag = own(magnitude.getArray().stopGradient(), m).reshape(-1, 1);
            v = v.mul(mag.div(norm));
        }
        return v;
    }

    @Override
    public NDArray denseWeight(NDManager m) {
        return mergedWeight(m);
    }

    @Override
    public NDArray bias() {
        return base.bias();
    }

    public void setTraining(boolean training) {
        this.training = training;
    }

    public LinearLayer baseLayer() {
        return base;
    }

    public Linear loraA() {
        return loraA;
    }

    public Linear loraB() {
        return loraB;
    }

    /** The DoRA magnitude parameter, or null for plain LoRA. */
    public Parameter magnitude() {
        return magnitude;
    }

    public float scaling() {
        return scaleValue;
    }

    public int rank() {
        return (int) loraA.weight().getShape().get(0);
    }

    @Override
    public int inFeatures() {
        return base.inFeatures();
    }

    @Override
    public int outFeatures() {
        return base.outFeatures();
    }
}
