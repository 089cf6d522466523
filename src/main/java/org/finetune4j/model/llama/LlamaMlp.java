package org.finetune4j.model.llama;

import ai.djl.ndarray.NDArray;
import org.finetune4j.model.LinearLayer;
import org.finetune4j.model.Module;
import org.finetune4j.model.kernels.FusedKernel;
import org.finetune4j.model.kernels.FusedOps;

/** SwiGLU feed-forward ({@code mlp}): {@code down(silu(gate(x)) ⊙ up(x))}. */
public final class LlamaMlp extends Module {
    private LinearLayer gate;
    private LinearLayer up;
    private LinearLayer down;

    public LlamaMlp(LinearLayer gate, LinearLayer up, LinearLayer down) {
        this.gate = registerModule("gate_proj", gate);
        this.up = registerModule("up_proj", up);
        this.down = registerModule("down_proj", down);
    }

    @Override
    protected void onModuleReplaced(String name, Module m) {
        switch (name) {
            case "gate_proj" -> gate = (LinearLayer) m;
            case "up_proj" -> up = (LinearLayer) m;
            case "down_proj" -> down = (LinearLayer) m;
            default -> throw new IllegalArgumentException(name);
        }
    }

    /** (B, T, D) -> (B, T, D) through (B, T, F). */
    public NDArray forward(NDArray x) {
        NDArray g = gate.forward(x); // (B, T, F)
        if (FusedOps.isActive(FusedKernel.SWIGLU, g.getDataType())) {
            return down.forward(FusedOps.swiGlu(g, up.forward(x)));
        }
        NDArray silu = g.mul(g.getNDArrayInternal().sigmoid()); // silu(z) = z·σ(z); no Number ops (notes §0)
        return down.forward(silu.mul(up.forward(x)));
    }
}
