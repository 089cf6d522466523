package org.finetune4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.NDArrays;

/** Copies saved values into an existing array without replacing its storage. */
final class TensorCopy {
    private TensorCopy() {}

    /**
     * Overwrites {@code target}'s values in place ({@code index_put_} over the whole tensor), so the
     * {@code Parameter} object, its gradient and any views keep pointing at the same storage.
     * {@code NDArray.set(Buffer)} would instead re-point the tensor at a Java buffer.
     */
    static void copyInto(HostTensor source, NDArray target) {
        if (!Arrays.equals(source.shape(), target.getShape().getShape())) {
            throw new IllegalArgumentException("cannot copy " + source + " into an array of shape " + target.getShape());
        }
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false); // in-place writes into leaves that require grad need grad mode off
        try (NDArray src = NDArrays.toNDArray(target.getManager(), source, target.getDataType())) {
            target.set(new NDIndex("..."), src);
        } finally {
            JniUtils.setGradMode(grad);
        }
    }
}
