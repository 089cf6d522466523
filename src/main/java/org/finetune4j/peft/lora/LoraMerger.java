package org.finetune4j.peft.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.NDArrays;
import org.finetune4j.io.TensorDType;
import org.finetune4j.model.llama.LlamaForCausalLM;

/**
 * Folds LoRA/DoRA updates into the base weights: {@code W' = W + scale·B·A} (DoRA:
 * {@code (m/‖W + scale·B·A‖_row)·(W + scale·B·A)}; QLoRA dequantises W first). The result is a plain HF
 * state dict with the original tensor names, loadable by any Llama-family loader.
 */
public final class LoraMerger {
    private LoraMerger() {}

    /** The merged weights of {@code model} (which has {@code lora} applied), as float32 host tensors. */
    public static Map<String, HostTensor> mergedStateDict(LlamaForCausalLM model, LoraTechnique lora) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        Map<String, LoraLinear> wrapped = lora.wrappedLayers();
        try (NDManager tmp = model.resources().newStepManager()) {
            for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                String name = e.getKey();
                String owner = wrappedOwner(name, wrapped);
                if (owner == null) {
                    out.put(name, NDArrays.fromNDArray(e.getValue().getArray(), TensorDType.F32));
                }
            }
            for (Map.Entry<String, LoraLinear> e : wrapped.entrySet()) {
                NDArray merged = e.getValue().mergedWeight(tmp); // (out, in)
                out.put(e.getKey() + ".weight", NDArrays.fromNDArray(merged, TensorDType.F32));
                NDArray bias = e.getValue().bias();
                if (bias != null) {
                    out.put(e.getKey() + ".bias", NDArrays.fromNDArray(bias, TensorDType.F32));
                }
            }
        }
        // Restore HF order (embed, layers…, norm, head) for readable, deterministic files.
        Map<String, HostTensor> ordered = new LinkedHashMap<>();
        LlamaForCausalLM.expectedShapes(model.config()).keySet().forEach(n -> {
            if (out.containsKey(n)) {
                ordered.put(n, out.remove(n));
            }
        });
        ordered.putAll(out);
        return ordered;
    }

    private static String wrappedOwner(String param, Map<String, LoraLinear> wrapped) {
        for (String path : wrapped.keySet()) {
            if (param.startsWith(path + ".")) {
                return path;
            }
        }
        return null;
    }
}
