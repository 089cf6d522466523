package org.finetune4j.peft;

import java.util.List;

/**
 * LoRA hyper-parameters, named as in PEFT's {@code LoraConfig}.
 *
 * @param r             rank
 * @param alpha         {@code lora_alpha}; the update is scaled by {@code alpha/r} ({@code alpha/√r} with rsLoRA)
 * @param dropout       dropout on the adapter input during training
 * @param targetModules module-name suffixes to wrap ({@code "q_proj"} matches every {@code …self_attn.q_proj});
 *                      {@code "all-linear"} wraps every linear layer except the LM head
 * @param useRslora     rank-stabilised scaling {@code alpha/√r}
 * @param useDora       weight-decomposed LoRA (a trainable magnitude per output row)
 * @param modulesToSave modules trained in full and saved with the adapter ({@code "lm_head"}, {@code "embed_tokens"})
 * @param init          initialisation of {@code lora_A}
 */
public record LoraConfig(int r, double alpha, double dropout, List<String> targetModules, boolean useRslora,
        boolean useDora, List<String> modulesToSave, LoraInit init) implements TechniqueConfig {

    /** The guide's targets: every projection of attention and MLP. */
    public static final List<String> ALL_PROJECTIONS =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    public LoraConfig {
        if (r <= 0) {
            throw new IllegalArgumentException("LoRA rank r must be positive, got " + r);
        }
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("lora_alpha must be positive, got " + alpha);
        }
        if (dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("lora_dropout must be in [0, 1), got " + dropout);
        }
        targetModules = List.copyOf(targetModules);
        if (targetModules.isEmpty()) {
            throw new IllegalArgumentException("target_modules must name at least one module");
        }
        modulesToSave = List.copyOf(modulesToSave);
    }

    /** {@code alpha/r}, or {@code alpha/√r} with rsLoRA. */
    public double scaling() {
        return useRslora ? alpha / Math.sqrt(r) : alpha / r;
    }

    @Override
    public TechniqueType type() {
        return TechniqueType.LORA;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults follow the guide: r = 16, alpha = 16, all projections, no dropout. */
    public static final class Builder {
        private int r = 16;
        private double alpha = 16;
        private double dropout = 0;
        private List<String> targets = ALL_PROJECTIONS;
        private boolean rslora;
        private boolean dora;
        private List<String> modulesToSave = List.of();
        private LoraInit init = LoraInit.KAIMING_UNIFORM;

        public Builder optR(int v) { r = v; return this; }
        public Builder optAlpha(double v) { alpha = v; return this; }
        public Builder optDropout(double v) { dropout = v; return this; }
        public Builder optTargetModules(List<String> v) { targets = v; return this; }
        public Builder optUseRslora(boolean v) { rslora = v; return this; }
        public Builder optUseDora(boolean v) { dora = v; return this; }
        public Builder optModulesToSave(List<String> v) { modulesToSave = v; return this; }
        public Builder optInit(LoraInit v) { init = v; return this; }

        public LoraConfig build() {
            return new LoraConfig(r, alpha, dropout, targets, rslora, dora, modulesToSave, init);
        }
    }
}
