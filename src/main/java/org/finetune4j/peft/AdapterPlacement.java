package org.finetune4j.peft;

/** Where bottleneck adapters go in each decoder layer. */
public enum AdapterPlacement {
    /** After attention and after the MLP (Houlsby et al., 2019). */
    HOULSBY,
    /** After the MLP only (Pfeiffer et al., 2020). */
    PFEIFFER
}
