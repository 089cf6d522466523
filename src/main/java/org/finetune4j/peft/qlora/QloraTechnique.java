package org.finetune4j.peft.qlora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.Map;
import org.finetune4j.io.NDArrays;
import org.finetune4j.model.Linear;
import org.finetune4j.model.LinearLayer;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.AppliedTechnique;
import org.finetune4j.peft.QloraConfig;
import org.finetune4j.peft.TargetModules;
import org.finetune4j.peft.TechniqueConfig;
import org.finetune4j.peft.lora.LoraTechnique;

/**
 * QLoRA: each targeted linear weight is quantised to NF4 (its float32 copy is freed), then wrapped with
 * LoRA exactly as {@link LoraTechnique} does.
 */
public final class QloraTechnique implements AppliedTechnique {
    private final QloraConfig config;
    private final LoraTechnique lora;
    private long quantizedBytes;
    private long quantizedParameters;

    private QloraTechnique(QloraConfig config, LoraTechnique lora) {
        this.config = config;
        this.lora = lora;
    }

    public static QloraTechnique apply(LlamaForCausalLM model, QloraConfig config, long seed) {
        Nf4Options options = nf4Options(config);
        int largest = 0;
        for (LinearLayer l : TargetModules.resolve(model, config.lora().targetModules()).values()) {
            largest = Math.max(largest, l.inFeatures() * l.outFeatures());
        }
        DequantScratch scratch = new DequantScratch(largest);
        NDManager owner = model.resources().manager(); // lives as long as the model: device copies of the codes
        long[] bytes = new long[2];
        LoraTechnique lora = LoraTechnique.apply(model, config.lora(), config, seed, base -> {
            if (!(base instanceof Linear dense)) {
                throw new IllegalStateException("QLoRA quantises plain linear layers, got " + base.getClass().getSimpleName());
            }
            NDArray w = dense.weight();
            Nf4Tensor q = Nf4Tensor.quantize(NDArrays.floats(w), w.getShape().getShape(), options);
            bytes[0] += q.storageBytes();
            bytes[1] += q.numel();
            NDArray bias = dense.bias();
            w.close(); // the dense copy goes; only the 4-bit codes remain
            return new Nf4Linear(q, bias, scratch, owner);
        });
        QloraTechnique t = new QloraTechnique(config, lora);
        t.quantizedBytes = bytes[0];
        t.quantizedParameters = bytes[1];
        return t;
    }

    /** The NF4 quantisation settings of {@code config}: block size and double quantisation. */
    public static Nf4Options nf4Options(QloraConfig config) {
        return Nf4Options.builder().optBlockSize(config.blockSize()).optDoubleQuant(config.doubleQuant())
                .optNestedBlockSize(config.nestedBlockSize()).build();
    }

    public LoraTechnique lora() {
        return lora;
    }

    @Override
    public TechniqueConfig config() {
        return config;
    }

    @Override
    public Map<String, Parameter> trainableParameters() {
        return lora.trainableParameters();
    }

    @Override
    public void setTraining(boolean training) {
        lora.setTraining(training);
    }

    @Override
    public long quantizedBytes() {
        return quantizedBytes;
    }

    @Override
    public long quantizedParameters() {
        return quantizedParameters;
    }
}
