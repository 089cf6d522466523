package org.finetune4j.peft;

/** Non-linearity inside a bottleneck adapter. */
public enum AdapterActivation {
    SWISH,
    RELU,
    TANH
}
