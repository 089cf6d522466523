package org.finetune4j.export;

import org.finetune4j.peft.LoraConfig;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.QloraConfig;
import org.finetune4j.peft.lora.LoraTechnique;
import org.finetune4j.peft.qlora.QloraTechnique;

/**
 * The LoRA part of a LoRA or QLoRA model: a QLoRA adapter is a plain LoRA adapter (it is applied to the
 * dequantised base), so both exporters only need these two pieces.
 */
record LoraParts(LoraTechnique technique, LoraConfig config) {

    /** @throws IllegalArgumentException for techniques that are not LoRA-based */
    static LoraParts of(PeftModel model, String purpose) {
        return switch (model.type()) {
            case LORA -> new LoraParts((LoraTechnique) model.technique(), (LoraConfig) model.technique().config());
            case QLORA -> new LoraParts(((QloraTechnique) model.technique()).lora(),
                    ((QloraConfig) model.technique().config()).lora());
            default -> throw new IllegalArgumentException(purpose + " needs a LORA or QLORA model, but this model uses "
                    + model.type());
        };
    }
}
