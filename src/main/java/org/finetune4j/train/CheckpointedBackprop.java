package org.finetune4j.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.finetune4j.data.TokenBatch;
import org.finetune4j.model.CausalLM;
import org.finetune4j.model.ModuleList;
import org.finetune4j.model.llama.AttentionContext;
import org.finetune4j.model.llama.ForwardInput;
import org.finetune4j.model.llama.LlamaDecoderLayer;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.prefix.PrefixTuningTechnique;
import org.finetune4j.peft.prompt.PromptTuningTechnique;

/**
 * Per-decoder-layer activation (gradient) checkpointing. DJL has none built in, so:
 * <ol>
 *   <li>run the forward without recording, keeping only each layer's input (B, T, D);</li>
 *   <li>run final norm, head and loss under a collector from the last layer's output, which yields the
 *       gradient flowing into the stack;</li>
 *   <li>for each layer in reverse, recompute it from its saved input under a fresh collector and
 *       back-propagate {@code sum(out ⊙ gradOut)}: parameter gradients accumulate, and the input's
 *       gradient becomes the next layer's {@code gradOut};</li>
 *   <li>recompute what feeds the stack under {@code gradOut} when it trains: the embedding lookup, or
 *       with prompt tuning the virtual tokens in front of it.</li>
 * </ol>
 * Each layer's intermediates live in their own manager and are freed before the next layer, so peak
 * memory holds one layer's activations instead of all of them (shared/notes/djl-training-facts.md §4:
 * bit-identical gradients, ~4× less peak memory at T = 1024).
 *
 * <p>Prompt tuning runs the stack over {@code (B, N+T, D)} with the virtual tokens in front (scoring only
 * the last T outputs). Prefix tuning's encoder runs once per step without recording; each recomputed
 * layer reads its keys/values from a leaf copy of that table, whose gradient therefore sums all layers'
 * shares, and a last recorded encoder pass carries it into the encoder's parameters.
 */
public final class CheckpointedBackprop implements GradientComputer {
    private final CausalLM outer;
    private final LlamaForCausalLM model;
    private final PromptTuningTechnique prompt; // null unless prompt tuning
    private final PrefixTuningTechnique prefix; // null unless prefix tuning

    public CheckpointedBackprop(CausalLM model) {
        this.outer = model;
        if (model instanceof PeftModel p) {
            this.model = p.base();
            this.prompt = p.technique() instanceof PromptTuningTechnique t ? t : null;
            this.prefix = p.technique() instanceof PrefixTuningTechnique t ? t : null;
        } else if (model instanceof LlamaForCausalLM m) {
            this.model = m;
            this.prompt = null;
            this.prefix = null;
        } else {
            throw new IllegalArgumentException("activation checkpointing needs a Llama-family model, got "
                    + model.getClass().getSimpleName());
        }
    }

    @Override
    public double accumulateGradients(TokenBatch batch, float scale, NDManager step) {
        ForwardInput in = StandardBackprop.input(batch, step);
        ModuleList<LlamaDecoderLayer> layers = model.model().layers();
        JniUtils.setGradMode(false);
        ForwardInput stack = in; // what the decoder stack reads, not recorded
        int skip = 0; // leading stack positions that are not scored (prompt tuning's virtual tokens)
        NDArray table = null; // (N, L·2·H_kv·d) prefix keys/values of every layer
        if (prompt != null) {
            stack = prompt.stackInput(model, in);
            skip = prompt.numVirtualTokens();
        } else if (prefix != null) {
            table = prefix.encoder().output(step);
            stack = prefix.stackInput(in).toBuilder().optPrefix(prefix.prefixOver(table)).build();
        }
        NDArray h = stack.inputEmbeds() != null ? stack.inputEmbeds() : model.embed(stack.inputIds()); // (B, T', D)
        AttentionContext ctx = model.attentionContext(h, stack);
        List<NDArray> inputs = new ArrayList<>(layers.size() + 1);
        inputs.add(h);
        for (int i = 0; i < layers.size(); i++) { // 1. forward, keeping layer inputs only
            try (NDManager layer = step.newSubManager()) {
                NDArray out = layers.get(i).forward(inLayer(inputs.get(i), layer), ctx);
                out.attach(step);
                inputs.add(out);
            }
        }
        double lossValue;
        NDArray up;
        try (NDManager head = step.newSubManager()) { // 2. norm, head and loss from the last output
            NDArray last = inLayer(inputs.get(layers.size()), head);
            last.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray scored = skip == 0 ? last : last.get(":, {}:", skip); // (B, T, D)
                NDArray logits = model.head(model.model().norm().forward(scored));
                NDArray loss = CausalLmLoss.sum(logits, batch, head);
                lossValue = StandardBackprop.value(loss);
                gc.backward(loss.mul(head.full(new Shape(), scale, loss.getDataType())));
            }
            up = gradientOf(last, step);
        }
        NDArray tableLeaf = null;
        if (table != null) { // the layers' prefix gradients accumulate in this leaf
            tableLeaf = table.stopGradient();
            tableLeaf.attach(step);
            tableLeaf.setRequiresGradient(true);
            ctx = ctx.withPrefix(prefix.prefixOver(tableLeaf));
        }
        for (int i = layers.size() - 1; i >= 0; i--) { // 3. recompute each layer, back-propagate gradOut
            try (NDManager layer = step.newSubManager()) {
                NDArray x = inLayer(inputs.get(i), layer);
                x.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = layers.get(i).forward(x, ctx);
                    gc.backward(y.mul(up).sum());
                }
                up = gradientOf(x, step);
            }
        }
        if (prompt != null || model.model().embedTokens().weight().hasGradient()) { // 4. what feeds the stack
            try (NDManager emb = step.newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray ids = in.inputIds().duplicate();
                ids.attach(emb);
                NDArray fed = prompt == null ? model.embed(ids)
                        : prompt.stackInput(model, in.toBuilder().setInputIds(ids).build()).inputEmbeds();
                gc.backward(fed.mul(up).sum()); // (B, T', D)
            }
        }
        if (tableLeaf != null) { // 5. the prefix encoder, under the summed table gradient
            try (NDManager enc = step.newSubManager()) {
                NDArray gradTable = gradientOf(tableLeaf, enc);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(prefix.encoder().output(enc).mul(gradTable).sum());
                }
            }
        }
        return lossValue;
    }

    /** A detached handle on a saved activation, owned by {@code m} so the ops that start from it land there. */
    private static NDArray inLayer(NDArray saved, NDManager m) {
        NDArray x = saved.stopGradient();
        x.attach(m);
        return x;
    }

    /** Copies the gradient of {@code x} out of its manager (which is about to close). */
    private static NDArray gradientOf(NDArray x, NDManager keep) {
        NDArray g = x.getGradient();
        NDArray copy = g.duplicate();
        copy.attach(keep);
        g.close();
        return copy;
    }

    @Override
    public double lossSum(TokenBatch batch, NDManager step) {
        return new StandardBackprop(outer).lossSum(batch, step);
    }
}
