package org.finetune4j.peft.qlora;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;

/**
 * An NF4 weight kept on an engine device in its 4-bit form and decoded there for each forward.
 *
 * <p>Why: the host path ({@link DequantScratch}) uploads the decoded float32 weight, 4 bytes per parameter, on
 * every forward. On a GPU that is a host→device copy of every frozen weight every step (measured on an H200: QLoRA
 * 7,414 tok/s against LoRA 18,002). Here the codes go to the device once; each forward decodes them with a few
 * libtorch kernels. On the CPU the Java decode is faster (see {@link DequantScratch}), so {@link Nf4Linear} uses
 * this class there only when asked ({@link Nf4DequantPath}).
 *
 * <p>Device storage, {@link #deviceBytes()}, equals {@link Nf4Tensor#storageBytes()} exactly: the packed codes as
 * UINT8 {@code [(n + 1) / 2]} plus either the float32 absmax {@code [blocks]} (4.5 bits per parameter at block 64)
 * or, double-quantized, the UINT8 absmax codes {@code [blocks]}, the float32 second-level scales and the float32
 * offset (≈4.127 bits per parameter at blocks 64 / 256). Not counted, like the code books in {@code storageBytes}:
 * the per-weight lookup tables, 2 KiB (byte → two NF4 values) plus 1 KiB for the dynamic map when double-quantized.
 *
 * <p>The decode repeats the Java arithmetic ({@link Nf4Tensor#dequantizeInto}, {@link Nf4Scales.DoubleQuantized})
 * operation for operation in float32 (a table look-up, then one product; for the absmax one product, then one sum),
 * so the result is bit-identical to it. Every input is a constant and no Java {@code Number} op is used, so the
 * result needs no gradient and may be built inside a {@code GradientCollector}; the intermediates are closed before
 * {@link #dequantize} returns.
 */
public final class DeviceNf4Weight {
    private final long[] shape;
    private final int blockSize;
    private final long numel;
    private final long blocks;
    private final Device device;
    private final NDArray codes; // (bytes) UINT8, first element in the high nibble
    private final NDArray pairTable; // (256, 2) float32: byte → {NF4[b >>> 4], NF4[b & 15]}
    private final NDArray absmax; // plain: (blocks, 1) float32; double-quantized: (blocks) UINT8 codes
    private final NDArray dynamicMap; // (256) float32, or null when plain
    private final NDArray absmax2; // (nested, 1) float32, or null
    private final NDArray offset; // (1) float32, or null
    private final int nestedBlockSize;

    /**
     * Copies the codes and scales of {@code t} into {@code manager}, which must live as long as the weight is used
     * (the model's parameter manager or a child of it, never a per-step manager); the arrays sit on its device.
     */
    public DeviceNf4Weight(Nf4Tensor t, NDManager manager) {
        this.shape = t.shape();
        this.blockSize = t.blockSize();
        this.numel = t.numel();
        this.blocks = t.scales().blockCount();
        this.device = manager.getDevice();
        this.codes = upload(manager, t.packed(), new Shape(t.packed().length));
        this.pairTable = upload(manager, pairTable(), new Shape(256, 2));
        if (t.scales() instanceof Nf4Scales.DoubleQuantized dq) {
            this.absmax = upload(manager, dq.qAbsmax(), new Shape(blocks));
            this.dynamicMap = upload(manager, DynamicMap.values(), new Shape(DynamicMap.SIZE));
            this.absmax2 = upload(manager, dq.absmax2(), new Shape(dq.absmax2().length, 1));
            this.offset = upload(manager, new float[] {dq.offset()}, new Shape(1));
            this.nestedBlockSize = dq.nestedBlockSize();
        } else {
            this.absmax = upload(manager, t.scales().absmax(), new Shape(blocks, 1));
            this.dynamicMap = null;
            this.absmax2 = null;
            this.offset = null;
            this.nestedBlockSize = 0;
        }
    }

    /**
     * The float32 weight, shape {@code t.shape()}, on this weight's device and owned by {@code stepManager} (freed
     * when it closes). Bit-identical to {@link Nf4Tensor#dequantize()}.
     *
     * @throws IllegalArgumentException when {@code stepManager} is on another device
     */
    public NDArray dequantize(NDManager stepManager) {
        if (!device.equals(stepManager.getDevice())) {
            throw new IllegalArgumentException("NF4 weight on " + device + " cannot be decoded into a manager on "
                    + stepManager.getDevice());
        }
        long padded = blocks * blockSize;
        try (NDManager tmp = stepManager.newSubManager()) {
            NDArray index = own(codes.toType(DataType.INT64, false), tmp); // (bytes)
            NDArray values = pairTable.get(tmp, new NDIndex("{}", index)).reshape(-1); // (2·bytes) NF4 values
            values = fit(values, padded, tmp); // (blocks·blockSize), padding past n
            NDArray w = values.reshape(blocks, blockSize).mul(blockAbsmax(tmp)); // (blocks, blockSize)
            w = w.reshape(padded);
            if (padded != numel) {
                w = w.get(new NDIndex().addSliceDim(0, numel)); // (n)
            }
            w = w.reshape(new Shape(shape)); // (out, in)
            w.attach(stepManager);
            return w;
        }
    }

    /** Bytes of codes and scales on the device (lookup tables not counted); equals {@link Nf4Tensor#storageBytes()}. */
    public long deviceBytes() {
        long b = bytes(codes) + bytes(absmax);
        if (dynamicMap != null) {
            b += bytes(absmax2) + bytes(offset);
        }
        return b;
    }

    /** The device these arrays live on. */
    public Device device() {
        return device;
    }

    /** (blocks, 1) float32 absmax in {@code tmp}, or the stored plain array (not to be closed). */
    private NDArray blockAbsmax(NDManager tmp) {
        if (dynamicMap == null) {
            return absmax;
        }
        long nested = absmax2.getShape().get(0);
        NDArray q = own(absmax.toType(DataType.INT64, false), tmp); // (blocks)
        NDArray dyn = dynamicMap.get(tmp, new NDIndex("{}", q)); // (blocks) DYN[q]
        dyn = fit(dyn, nested * nestedBlockSize, tmp); // (nested·nestedBlockSize)
        NDArray scaled = dyn.reshape(nested, nestedBlockSize).mul(absmax2).reshape(-1); // product rounded, as in Java
        if (scaled.getShape().get(0) != blocks) {
            scaled = scaled.get(new NDIndex().addSliceDim(0, blocks)); // (blocks)
        }
        return scaled.add(offset).reshape(blocks, 1); // then the sum rounded
    }

    /** {@code v} (a 1-D array in {@code tmp}) cut or zero-padded to {@code length}; the extra values are dropped later. */
    private static NDArray fit(NDArray v, long length, NDManager tmp) {
        long have = v.getShape().get(0);
        if (have > length) {
            return v.get(new NDIndex().addSliceDim(0, length));
        }
        if (have < length) {
            return v.concat(tmp.zeros(new Shape(length - have), v.getDataType()));
        }
        return v;
    }

    /** Moves a result of an op on a long-lived array (which lands in that array's manager) to {@code tmp}. */
    private static NDArray own(NDArray a, NDManager tmp) {
        a.attach(tmp);
        return a;
    }

    private static long bytes(NDArray a) {
        return a.getShape().size() * a.getDataType().getNumOfBytes();
    }

    /** byte value b → {NF4[b >>> 4], NF4[b & 15]}: the two elements of a packed byte, first element first. */
    private static float[] pairTable() {
        float[] code = Nf4CodeBook.values();
        float[] t = new float[512];
        for (int b = 0; b < 256; b++) {
            t[2 * b] = code[b >>> 4];
            t[2 * b + 1] = code[b & 0x0F];
        }
        return t;
    }

    /** UINT8 {@code data}, shape {@code shape}, in {@code m} (see {@link #owned}). */
    private static NDArray upload(NDManager m, byte[] data, Shape shape) {
        return owned(m.create(ByteBuffer.wrap(data), shape, DataType.UINT8));
    }

    /** Float32 {@code data}, shape {@code shape}, in {@code m} (see {@link #owned}). */
    private static NDArray upload(NDManager m, float[] data, Shape shape) {
        return owned(m.create(data, shape));
    }

    /**
     * A libtorch-owned copy of {@code created}, which is closed. On the CPU, DJL's {@code create} wraps a Java direct
     * buffer and keeps it for the array's life: the codes of a large model would then sit in Java direct memory
     * (bounded by {@code -XX:MaxDirectMemorySize}, 1 GB in {@code bin/finetune4j}). On a GPU {@code create} already
     * copies; the duplicate is one more device copy, made once per weight.
     */
    private static NDArray owned(NDArray created) {
        try (created) {
            return created.duplicate();
        }
    }
}
