package org.finetune4j.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.finetune4j.runtime.DevicePolicy;

/**
 * What every module of one model shares: the long-lived manager that owns the parameters, the device
 * and dtype policy, and the constant cache.
 *
 * @param manager parameters' manager; per-step tensors never go here
 * @param policy  device and compute dtype
 * @param scalars constants used inside graphs
 */
public record ModelResources(NDManager manager, DevicePolicy policy, Scalars scalars) {

    public static ModelResources create(NDManager parent, DevicePolicy policy) {
        NDManager m = parent.newSubManager(policy.device());
        return new ModelResources(m, policy, new Scalars(m, policy.computeType()));
    }

    /**
     * A manager for one step's tensors (batch, activations, logits); close it when the step ends so
     * resident memory stays flat.
     */
    public NDManager newStepManager() {
        return manager.newSubManager();
    }

    public DataType computeType() {
        return policy.computeType();
    }
}
