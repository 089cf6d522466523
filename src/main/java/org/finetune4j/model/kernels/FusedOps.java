package org.finetune4j.model.kernels;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.finetune4j.runtime.Djl;

/**
 * Fused libtorch ops (see {@link FusedKernel}) called through TorchScript modules that are written by
 * {@link TorchScriptArchive} into a temp folder once per JVM and loaded once.
 *
 * <p>The model layers ask {@link #isActive} before every call and keep their eager NDArray path for the
 * other case, so the fused path is an optimisation only: on by default when the modules load, off for
 * dtypes other than float32/float64, and off for the whole JVM, with one log line, if loading fails. The
 * system property {@value #PROPERTY} selects the kernels at any time: {@code true} (the default) for all,
 * {@code false} for none, or a comma-separated list of {@link FusedKernel} names.
 *
 * <p>Calls record autograd like any other op when a gradient collector is open; the outputs land in the
 * manager of the first input.
 */
public final class FusedOps {
    /** System property: {@code true}, {@code false} or a list such as {@code ATTENTION,SWIGLU}. */
    public static final String PROPERTY = "finetune4j.fusedOps";

    private static final java.util.regex.Pattern PLAIN_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_\\-]*");
    /** Whether the user chose the TorchScript graph executor mode with DJL's own property. */
    private static final boolean TUNE_EXECUTOR = System.getProperty("ai.djl.pytorch.graph_optimizer") != null;
    private static final System.Logger LOG = System.getLogger(FusedOps.class.getName());
    private static volatile Loaded loaded;
    private static volatile boolean failed;
    private static volatile Selection selection = new Selection(null, EnumSet.allOf(FusedKernel.class));

    private FusedOps() {}

    /** Whether {@code kernel} is selected, loaded and supports tensors of {@code type}. */
    public static boolean isActive(FusedKernel kernel, DataType type) {
        if ((type != DataType.FLOAT32 && type != DataType.FLOAT64) || !selected().contains(kernel)) {
            return false;
        }
        return kernels() != null;
    }

    /** The kernels the system property selects now (before any load). */
    public static Set<FusedKernel> selected() {
        String raw = System.getProperty(PROPERTY);
        Selection s = selection;
        if (!java.util.Objects.equals(raw, s.raw())) {
            s = new Selection(raw, parse(raw));
            selection = s;
        }
        return s.kernels();
    }

    static Set<FusedKernel> parse(String raw) {
        if (raw == null || raw.isBlank() || raw.trim().equalsIgnoreCase("true")) {
            return Collections.unmodifiableSet(EnumSet.allOf(FusedKernel.class));
        }
        if (raw.trim().equalsIgnoreCase("false")) {
            return Collections.unmodifiableSet(EnumSet.noneOf(FusedKernel.class));
        }
        EnumSet<FusedKernel> out = EnumSet.noneOf(FusedKernel.class);
        for (String part : raw.split(",")) {
            String name = part.trim().toUpperCase(Locale.ROOT);
            try {
                out.add(FusedKernel.valueOf(name));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("system property " + PROPERTY + "='" + raw + "': '" + part.trim()
                        + "' is not true, false or one of " + EnumSet.allOf(FusedKernel.class), e);
            }
        }
        return Collections.unmodifiableSet(out);
    }

    /**
     * Scaled dot-product attention with the default scale {@code 1/sqrt(d)}.
     *
     * @param q    (B, H, T, d)
     * @param k    (B, H_kv, Tk, d), H a multiple of H_kv
     * @param v    (B, H_kv, Tk, d)
     * @param mask (B, 1, T, Tk) additive (0 visible, very negative hidden), any float dtype
     * @return (B, H, T, d) in q's manager
     */
    public static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask) {
        boolean grouped = q.getShape().get(1) != k.getShape().get(1);
        NDArray m = mask.getDataType() == q.getDataType() ? mask : mask.toType(q.getDataType(), false);
        return call(grouped ? FusedKernel.ATTENTION_GQA : FusedKernel.ATTENTION, q, k, v, m);
    }

    /** {@code silu(gate) ⊙ up}: both (…, F) -> (…, F). */
    public static NDArray swiGlu(NDArray gate, NDArray up) {
        return call(FusedKernel.SWIGLU, gate, up);
    }

    /** {@code x / sqrt(mean(x², -1) + eps) ⊙ weight}: x (…, D), weight (D), eps 0-d -> (…, D). */
    public static NDArray rmsNorm(NDArray x, NDArray weight, NDArray eps) {
        return call(FusedKernel.RMS_NORM, x, weight, eps);
    }

    /**
     * {@code x · wᵀ + bias}, torch's {@code linear}: x (…, in), w (out, in), bias (out) or null -> (…, out). With
     * {@link MatmulPrecision#BF16} chosen and float32 operands the product runs in bfloat16
     * ({@link FusedKernel#LINEAR_BF16}) and the bias is added in float32; otherwise it is the plain float32 op.
     */
    public static NDArray linear(NDArray x, NDArray w, NDArray bias) {
        if (MatmulPrecision.current() == MatmulPrecision.BF16 && x.getDataType() == DataType.FLOAT32
                && w.getDataType() == DataType.FLOAT32 && isActive(FusedKernel.LINEAR_BF16, DataType.FLOAT32)) {
            NDArray y = call(FusedKernel.LINEAR_BF16, x, w); // (…, out) float32
            return bias == null ? y : y.add(bias);
        }
        return x.getNDArrayInternal().linear(x, w, bias).singletonOrThrow();
    }

    private static NDArray call(FusedKernel kernel, NDArray... inputs) {
        Loaded l = kernels();
        if (l == null) {
            throw new IllegalStateException("fused kernel " + kernel + " is not loaded; ask isActive first");
        }
        return l.forward(kernel, inputs);
    }

    /** The loaded modules, loading them on first use; null after a failed load. */
    private static Loaded kernels() {
        Loaded l = loaded;
        if (l != null || failed) {
            return l;
        }
        synchronized (FusedOps.class) {
            if (loaded == null && !failed) {
                try {
                    loaded = Loaded.load();
                } catch (Exception | LinkageError e) {
                    failed = true;
                    LOG.log(System.Logger.Level.WARNING, "finetune4j: fused TorchScript ops unavailable, using the "
                            + "eager NDArray path (" + e + ")");
                }
            }
            return loaded;
        }
    }

    private record Selection(String raw, Set<FusedKernel> kernels) {}

    /**
     * The loaded modules. The {@link Model}s are held for the JVM's lifetime: DJL's model finalizer
     * would otherwise free a module's handle while its block is still in use.
     */
    private record Loaded(Map<FusedKernel, Model> models, ParameterStore store) {

        static Loaded load() throws Exception {
            Djl.engine();
            Path folder = Files.createTempDirectory("finetune4j-kernels");
            folder.toFile().deleteOnExit();
            Map<FusedKernel, Model> models = new EnumMap<>(FusedKernel.class);
            ParameterStore store = null;
            for (FusedKernel k : FusedKernel.values()) {
                Path file = folder.resolve(k.fileStem() + ".pt");
                k.archive().write(file);
                file.toFile().deleteOnExit();
                Model model = Model.newInstance(k.fileStem(), "PyTorch");
                model.load(folder, k.fileStem());
                models.put(k, model);
                if (store == null) {
                    store = new ParameterStore(model.getNDManager(), false);
                }
            }
            return new Loaded(models, store);
        }

        NDArray forward(FusedKernel kernel, NDArray... inputs) {
            for (NDArray a : inputs) {
                String name = a.getName();
                // DJL reads names with '.', '[]', '()' or "module_method:" as tuple/list/method markers
                if (name != null && !name.isEmpty() && !PLAIN_NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("fused kernel " + kernel + ": input tensor named '" + name
                            + "' would be bound as a container, not a plain tensor argument");
                }
            }
            if (!TUNE_EXECUTOR) {
                // The profiling executor would re-plan these one-op graphs with symbolic autodiff, which made
                // SwiGLU slower than the eager ops (6.0 vs 4.9 ms fwd+bwd); the plain interpreter made it 3.6.
                // The setting is per thread, so set it on every call.
                JniUtils.setGraphExecutorOptimize(false);
            }
            // training = true: run under the caller's grad mode, so autograd records when a collector is open
            return models.get(kernel).getBlock().forward(store, new NDList(inputs), true).singletonOrThrow();
        }
    }
}
