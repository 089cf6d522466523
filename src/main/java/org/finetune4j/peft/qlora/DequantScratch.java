package org.finetune4j.peft.qlora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reusable buffers for dequantising NF4 weights, shared by the layers of one model (used from one thread).
 *
 * <p>Why: {@code NDManager.create(float[])} allocates a fresh direct {@code ByteBuffer} per call, and Java frees
 * those only when the garbage collector runs — with QLoRA dequantising every weight on every step, resident memory
 * grew by gigabytes between collections. Here the weights are decoded into one heap array, copied into one direct
 * buffer that libtorch wraps without copying, and duplicated into libtorch-owned storage that is freed when the
 * step's manager closes.
 */
public final class DequantScratch {
    private final float[] floats;
    private final ByteBuffer direct;

    public DequantScratch(int maxElements) {
        floats = new float[maxElements];
        direct = ByteBuffer.allocateDirect(maxElements * 4).order(ByteOrder.nativeOrder());
    }

    /** The float32 weight of {@code t}, owned by {@code m} (freed when {@code m} closes). */
    public NDArray dequantize(NDManager m, Nf4Tensor t) {
        int n = Math.toIntExact(t.numel());
        t.dequantizeInto(floats);
        ByteBuffer view = direct.duplicate().order(ByteOrder.nativeOrder());
        view.clear().limit(n * 4);
        view.asFloatBuffer().put(floats, 0, n);
        try (NDArray wrapped = m.create(view.slice().order(ByteOrder.nativeOrder()), new Shape(t.shape()),
                DataType.FLOAT32)) {
            return wrapped.duplicate(); // libtorch-owned copy; the shared buffer is reused by the next layer
        }
    }
}
