package org.finetune4j.peft.adapter;

import ai.djl.ndarray.NDArray;
import org.finetune4j.model.Linear;
import org.finetune4j.model.SublayerAdapter;
import org.finetune4j.peft.AdapterActivation;

/**
 * A bottleneck adapter (Houlsby et al., 2019): {@code adapt(h) = h + up(act(down(h)))}, with
 * {@code down} D → r and {@code up} r → D, both with bias. Starting {@code up} at zero makes the adapter
 * the identity, so the adapted model equals the base model before the first update.
 */
public final class BottleneckAdapter extends SublayerAdapter {
    private final Linear down;
    private final Linear up;
    private final AdapterActivation activation;

    /**
     * @param downWeight (r, D), downBias (r), upWeight (D, r), upBias (D)
     */
    public BottleneckAdapter(NDArray downWeight, NDArray downBias, NDArray upWeight, NDArray upBias,
            AdapterActivation activation) {
        this.down = registerModule("down", new Linear(downWeight, downBias, true));
        this.up = registerModule("up", new Linear(upWeight, upBias, true));
        if (down.outFeatures() != up.inFeatures() || down.inFeatures() != up.outFeatures()) {
            throw new IllegalArgumentException("adapter shapes do not chain: down " + downWeight.getShape() + ", up "
                    + upWeight.getShape());
        }
        this.activation = activation;
    }

    /** h (B, T, D) -> (B, T, D). Every op starts from the activation, so results stay in its manager. */
    @Override
    public NDArray adapt(NDArray h) {
        NDArray z = down.forward(h); // (B, T, r)
        return h.add(up.forward(activate(z)));
    }

    /** The non-linearity, built without {@code Number} operands (notes §0). */
    private NDArray activate(NDArray z) {
        return switch (activation) {
            case SWISH -> z.mul(z.getNDArrayInternal().sigmoid()); // x·σ(x)
            case RELU -> z.getNDArrayInternal().relu();
            case TANH -> z.tanh();
        };
    }

    public Linear down() {
        return down;
    }

    public Linear up() {
        return up;
    }

    public AdapterActivation activation() {
        return activation;
    }

    /** The bottleneck width r. */
    public int bottleneckSize() {
        return down.outFeatures();
    }
}
