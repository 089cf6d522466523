package org.finetune4j.export;

import org.finetune4j.peft.LoraConfig;

/**
 * What {@code adapter_config.json} says, in this library's terms.
 *
 * @param lora                the LoRA hyper-parameters, with {@code target_modules} and
 *                            {@code modules_to_save} resolved to module paths of the base model where
 *                            PEFT would have matched them by regex or suffix
 * @param baseModelNameOrPath {@code base_model_name_or_path}, or null when absent
 */
public record PeftAdapterConfig(LoraConfig lora, String baseModelNameOrPath) {}
