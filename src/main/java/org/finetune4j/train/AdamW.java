package org.finetune4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.NDArrays;
import org.finetune4j.io.TensorDType;

/**
 * AdamW with decoupled weight decay (Loshchilov &amp; Hutter), as {@code torch.optim.AdamW}:
 *
 * <pre>
 *   p ← p − lr·wd·p                       (skipped for 1-D tensors unless configured)
 *   m ← β1·m + (1−β1)·g ;  v ← β2·v + (1−β2)·g²
 *   p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε)
 * </pre>
 *
 * <p>Why hand-written rather than DJL's {@code Optimizer.adamW()}: DJL's optimizer state is detached
 * (never freed), its update clones every gradient, and it cannot be saved and restored for an exact
 * resume. Here the state lives in one long-lived sub-manager of the parameters' manager, every update
 * is in place ({@code muli/addi/subi}) and every temporary is closed before the next parameter, so
 * resident memory stays flat (djl-training-facts §1). The maths runs outside any gradient collector,
 * where {@code op(Number)} calls are safe (§0).
 *
 * <p>State exists only for trainable parameters (those whose array requires a gradient).
 *
 * <p>Half-precision parameters (bfloat16/float16 on a GPU) get a float32 master copy, and their moments
 * are float32 too: the update is applied to the master and the parameter is overwritten with its
 * rounding. Without it, an update smaller than half a bfloat16 step of the weight (2⁻⁹ relative) would
 * be lost, as in mixed-precision training with master weights.
 */
public final class AdamW implements AutoCloseable {
    private final Map<String, Parameter> params;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private final Map<String, NDArray> master = new LinkedHashMap<>(); // float32 copies of half parameters
    private final NDManager stateManager;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decayOneDimensional;
    private long step;

    private AdamW(Builder b) {
        Map<String, Parameter> trainable = new LinkedHashMap<>();
        b.params.forEach((n, p) -> {
            if (p.requiresGradient()) {
                trainable.put(n, p);
            }
        });
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("no trainable parameter among " + b.params.keySet());
        }
        this.params = Collections.unmodifiableMap(trainable);
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.eps = b.eps;
        this.weightDecay = b.weightDecay;
        this.decayOneDimensional = b.decayOneDimensional;
        this.stateManager = trainable.values().iterator().next().getArray().getManager().newSubManager();
        for (Map.Entry<String, Parameter> e : trainable.entrySet()) {
            NDArray p = e.getValue().getArray();
            DataType stateType = p.getDataType();
            if (NDArrays.isHalf(stateType)) {
                stateType = DataType.FLOAT32;
                NDArray copy = p.toType(DataType.FLOAT32, true);
                copy.attach(stateManager);
                master.put(e.getKey(), copy);
            }
            m.put(e.getKey(), stateManager.zeros(p.getShape(), stateType));
            v.put(e.getKey(), stateManager.zeros(p.getShape(), stateType));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The parameters this optimizer updates, by name. */
    public Map<String, Parameter> parameters() {
        return params;
    }

    /** Updates done so far (t in the bias correction). */
    public long stepCount() {
        return step;
    }

    /** Whether weight decay applies to this parameter (not to biases/norm scales unless configured). */
    public boolean decays(String name) {
        return weightDecay != 0 && (decayOneDimensional || params.get(name).getArray().getShape().dimension() > 1);
    }

    /**
     * One update of every trainable parameter.
     *
     * @param lr        learning rate of this step
     * @param gradients gradient of each trainable parameter by name (same shapes); not modified
     */
    public void update(double lr, Map<String, NDArray> gradients) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float sqrtBc2 = (float) Math.sqrt(bc2);
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false); // in-place updates of leaves that require grad
        try {
            updateAll(lr, gradients, stepSize, sqrtBc2);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private void updateAll(double lr, Map<String, NDArray> gradients, float stepSize, float sqrtBc2) {
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String name = e.getKey();
            NDArray g = gradients.get(name);
            if (g == null) {
                throw new IllegalArgumentException("no gradient for trainable parameter " + name);
            }
            NDArray param = e.getValue().getArray();
            NDArray mw = master.get(name);
            if (mw == null) {
                step(name, param, g, lr, stepSize, sqrtBc2);
                continue;
            }
            try (NDArray g32 = g.toType(DataType.FLOAT32, false)) {
                step(name, mw, g32, lr, stepSize, sqrtBc2);
            }
            try (NDArray rounded = mw.toType(param.getDataType(), false)) {
                param.set(new NDIndex("..."), rounded); // in place: the parameter stays the same autograd leaf
            }
        }
    }

    /** The AdamW update of {@code p} (the parameter, or its float32 master) from {@code g} of p's dtype. */
    private void step(String name, NDArray p, NDArray g, double lr, float stepSize, float sqrtBc2) {
        NDArray mi = m.get(name);
        NDArray vi = v.get(name);
        if (decays(name)) {
            p.muli(1 - lr * weightDecay);
        }
        mi.muli(beta1);
        try (NDArray scaled = g.mul(1 - beta1)) {
            mi.addi(scaled);
        }
        vi.muli(beta2);
        try (NDArray sq = g.square()) {
            sq.muli(1 - beta2);
            vi.addi(sq);
        }
        try (NDArray denom = vi.sqrt()) {
            denom.divi(sqrtBc2).addi(eps);
            try (NDArray upd = mi.div(denom)) {
                upd.muli(stepSize);
                p.subi(upd);
            }
        }
    }

    /** Bytes held by m and v (and the float32 masters of half-precision parameters). */
    public long stateBytes() {
        long n = 0;
        for (NDArray a : master.values()) {
            n += a.size() * a.getDataType().getNumOfBytes();
        }
        for (NDArray a : m.values()) {
            n += a.size() * a.getDataType().getNumOfBytes();
        }
        for (NDArray a : v.values()) {
            n += a.size() * a.getDataType().getNumOfBytes();
        }
        return n;
    }

    /**
     * {@code exp_avg.<name>}, {@code exp_avg_sq.<name>} (F32), {@code step} (I64 scalar) and, for
     * half-precision parameters, {@code master.<name>} (F32).
     */
    public Map<String, HostTensor> stateDict() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        master.forEach((n, a) -> out.put("master." + n, NDArrays.fromNDArray(a, TensorDType.F32)));
        m.forEach((n, a) -> out.put("exp_avg." + n, NDArrays.fromNDArray(a, TensorDType.F32)));
        v.forEach((n, a) -> out.put("exp_avg_sq." + n, NDArrays.fromNDArray(a, TensorDType.F32)));
        ByteBuffer s = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(step).flip();
        out.put("step", new HostTensor(TensorDType.I64, new long[0], s));
        return out;
    }

    /**
     * Restores a {@link #stateDict()}: every trainable parameter must have both moments with its shape.
     *
     * @throws IllegalArgumentException naming the missing or mis-shaped tensor
     */
    public void loadStateDict(Map<String, HostTensor> state) {
        HostTensor s = state.get("step");
        if (s == null || s.dtype() != TensorDType.I64 || s.numel() != 1) {
            throw new IllegalArgumentException("optimizer state has no I64 scalar 'step'");
        }
        List<String> problems = new ArrayList<>();
        for (String n : params.keySet()) {
            check(state, "exp_avg." + n, m.get(n), problems);
            check(state, "exp_avg_sq." + n, v.get(n), problems);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("optimizer state does not fit the parameters: " + problems);
        }
        for (String n : master.keySet()) { // a state saved without masters keeps the parameters' rounding
            if (state.containsKey("master." + n)) {
                check(state, "master." + n, master.get(n), problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("optimizer state does not fit the parameters: " + problems);
        }
        master.forEach((n, a) -> {
            HostTensor t = state.get("master." + n);
            if (t != null) {
                TensorCopy.copyInto(t, a);
            } else {
                try (NDArray wide = params.get(n).getArray().toType(DataType.FLOAT32, false)) {
                    a.set(new NDIndex("..."), wide);
                }
            }
        });
        for (String n : params.keySet()) {
            TensorCopy.copyInto(state.get("exp_avg." + n), m.get(n));
            TensorCopy.copyInto(state.get("exp_avg_sq." + n), v.get(n));
        }
        step = s.data().getLong();
    }

    private static void check(Map<String, HostTensor> state, String key, NDArray target, List<String> problems) {
        HostTensor t = state.get(key);
        if (t == null) {
            problems.add("missing " + key);
        } else if (!Arrays.equals(t.shape(), target.getShape().getShape())) {
            problems.add(key + " has shape " + Arrays.toString(t.shape()) + ", parameter has " + target.getShape());
        }
    }

    /** Frees the optimizer state. */
    @Override
    public void close() {
        stateManager.close();
    }

    /** DJL-style builder; defaults as {@code torch.optim.AdamW} except weight decay 0. */
    public static final class Builder {
        private Map<String, Parameter> params;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private double weightDecay;
        private boolean decayOneDimensional;

        private Builder() {}

        public Builder setParameters(Map<String, Parameter> params) {
            this.params = params;
            return this;
        }

        public Builder optBetas(double beta1, double beta2) {
            if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("betas must lie in [0, 1): " + beta1 + ", " + beta2);
            }
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        public Builder optEps(double eps) {
            this.eps = eps;
            return this;
        }

        public Builder optWeightDecay(double weightDecay) {
            if (weightDecay < 0) {
                throw new IllegalArgumentException("weight decay must be >= 0: " + weightDecay);
            }
            this.weightDecay = weightDecay;
            return this;
        }

        /** Also decay 1-D tensors (biases, norm scales); off by default, as in HF's Trainer. */
        public Builder optDecayOneDimensional(boolean decay) {
            this.decayOneDimensional = decay;
            return this;
        }

        public AdamW build() {
            if (params == null) {
                throw new IllegalStateException("setParameters is required");
            }
            return new AdamW(this);
        }
    }
}
