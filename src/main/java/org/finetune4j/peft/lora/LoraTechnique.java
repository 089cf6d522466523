package org.finetune4j.peft.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.finetune4j.model.LinearLayer;
import org.finetune4j.model.Module;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.AppliedTechnique;
import org.finetune4j.peft.LoraConfig;
import org.finetune4j.peft.LoraInit;
import org.finetune4j.peft.TargetModules;
import org.finetune4j.peft.TechniqueConfig;

/**
 * Applies LoRA (and rsLoRA, DoRA, {@code modules_to_save}) to a model: every targeted linear layer is
 * replaced by a {@link LoraLinear} wrapping it ("wrap, don't patch").
 */
public final class LoraTechnique implements AppliedTechnique {
    private final TechniqueConfig config;
    private final Map<String, LoraLinear> wrapped = new LinkedHashMap<>();
    private final Map<String, Parameter> trainable = new LinkedHashMap<>();

    private LoraTechnique(TechniqueConfig config) {
        this.config = config;
    }

    /** Wraps the targets of {@code lora} in {@code model}; {@code baseFor} may replace each base first (QLoRA). */
    public static LoraTechnique apply(LlamaForCausalLM model, LoraConfig lora, TechniqueConfig reported, long seed,
            UnaryOperator<LinearLayer> baseFor) {
        LoraTechnique t = new LoraTechnique(reported);
        Map<String, LinearLayer> targets = TargetModules.resolve(model, lora.targetModules());
        Random rnd = new Random(seed);
        NDManager m = model.resources().manager();
        for (Map.Entry<String, LinearLayer> e : targets.entrySet()) {
            LinearLayer base = baseFor.apply(e.getValue());
            int in = base.inFeatures();
            int out = base.outFeatures();
            NDArray a = m.create(initA(lora, in, rnd), new Shape(lora.r(), in)).toType(model.resources().computeType(), false);
            NDArray b = m.zeros(new Shape(out, lora.r()), model.resources().computeType());
            NDArray magnitude = null;
            if (lora.useDora()) {
                try (NDManager tmp = m.newSubManager()) {
                    NDArray w = base.denseWeight(tmp);
                    NDArray norms = w.square().sum(new int[] {1}).sqrt(); // (out) row norms of W
                    norms.attach(tmp);
                    magnitude = norms.duplicate(); // a copy owned by the parameters' manager
                    magnitude.attach(m);
                }
            }
            LoraLinear wrapper = new LoraLinear(base, a, b, magnitude, (float) lora.scaling(), (float) lora.dropout(),
                    model.resources().scalars());
            model.replaceModuleAt(e.getKey(), wrapper);
            t.wrapped.put(e.getKey(), wrapper);
        }
        model.setTrainable(false);
        t.wrapped.forEach((name, w) -> {
            w.loraA().setTrainable(true);
            w.loraB().setTrainable(true);
            if (w.magnitude() != null) {
                w.magnitude().freeze(false);
            }
        });
        for (String save : lora.modulesToSave()) { // PEFT matches modules_to_save by name suffix
            List<Module> matches = model.namedModules().entrySet().stream()
                    .filter(e -> e.getKey().equals(save) || e.getKey().endsWith("." + save))
                    .map(Map.Entry::getValue).toList();
            if (matches.isEmpty()) {
                throw new IllegalArgumentException("modules_to_save entry '" + save + "' is not a module of this model"
                        + (save.equals("lm_head") && model.config().tieWordEmbeddings()
                                ? " (the LM head is tied to model.embed_tokens; save that instead)" : ""));
            }
            matches.forEach(mod -> mod.setTrainable(true));
        }
        model.namedParameters().forEach((n, p) -> {
            if (p.requiresGradient()) {
                t.trainable.put(n, p);
            }
        });
        return t;
    }

    /** PEFT's default init: Kaiming-uniform with a = √5 on an (r, in) matrix is U(−1/√in, 1/√in). */
    static float[] initA(LoraConfig lora, int in, Random rnd) {
        float[] a = new float[lora.r() * in];
        for (int i = 0; i < a.length; i++) {
            a[i] = lora.init() == LoraInit.GAUSSIAN ? (float) (rnd.nextGaussian() / lora.r())
                    : (float) ((rnd.nextDouble() * 2 - 1) / Math.sqrt(in));
        }
        return a;
    }

    /** The LoRA wrappers by the HF path of the layer they wrap. */
    public Map<String, LoraLinear> wrappedLayers() {
        return java.util.Collections.unmodifiableMap(wrapped);
    }

    @Override
    public TechniqueConfig config() {
        return config;
    }

    @Override
    public Map<String, Parameter> trainableParameters() {
        return java.util.Collections.unmodifiableMap(trainable);
    }

    @Override
    public void setTraining(boolean training) {
        wrapped.values().forEach(w -> w.setTraining(training));
    }

    /** The module names that were wrapped, for adapter_config.json's target list. */
    public List<String> targetNames() {
        return List.copyOf(wrapped.keySet());
    }
}
