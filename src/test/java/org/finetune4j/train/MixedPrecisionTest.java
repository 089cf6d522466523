package org.finetune4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.data.ListBatchSource;
import org.finetune4j.data.TokenBatch;
import org.finetune4j.generate.GeneratedSequence;
import org.finetune4j.generate.Generator;
import org.finetune4j.generate.SamplingConfig;
import org.finetune4j.generate.TokenListener;
import org.finetune4j.io.HostTensor;
import org.finetune4j.model.llama.ForwardInput;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.LoraConfig;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.PeftTestModels;
import org.finetune4j.runtime.Djl;
import org.junit.jupiter.api.Test;

/**
 * Half-precision training as a GPU runs it (bfloat16 there), checked on the CPU in float16: DJL's
 * {@code toType} records no gradient, so every cast inside the graph would cut it; these tests fail if
 * one does, if the optimizer loses updates below half precision, or if padding turns into NaN.
 */
class MixedPrecisionTest {
    private static final DataType HALF = DataType.FLOAT16;

    @Test
    void halfPrecisionLogitsFollowFloat32() {
        LlamaConfig c = PeftTestModels.tiny();
        try (NDManager root = Djl.engine().newBaseManager()) {
            float[] full = logits(PeftTestModels.model(root, c, 3, DataType.FLOAT32));
            float[] half = logits(PeftTestModels.model(root, c, 3, HALF));
            double worst = 0;
            double scale = 0;
            for (int i = 0; i < full.length; i++) {
                worst = Math.max(worst, Math.abs(full[i] - half[i]));
                scale = Math.max(scale, Math.abs(full[i]));
            }
            assertTrue(worst / scale < 2e-2, "max |fp16 - fp32| / max |fp32| = " + worst / scale);
            assertTrue(worst > 0, "the half model must really compute in half precision");
        }
    }

    @Test
    void loraTrainsInHalfPrecisionWithFloat32Masters() {
        try (NDManager root = Djl.engine().newBaseManager()) {
            PeftModel peft = PeftModel.create(PeftTestModels.model(root, PeftTestModels.tiny(), 2, HALF),
                    LoraConfig.builder().optR(8).optAlpha(16).build(), 5);
            Map<String, Parameter> trainable = peft.trainableParameters();
            trainable.values().forEach(p -> assertEquals(HALF, p.getArray().getDataType()));
            TokenBatch batch = PeftTestModels.batch();
            double before = PeftTestModels.loss(peft, batch);
            List<Double> losses = new ArrayList<>();
            TrainerConfig cfg = TrainerConfig.builder().setLearningRate(3e-2).optEpochs(1000).optMaxSteps(40)
                    .optSeed(1).build();
            Trainer trainer = Trainer.builder().setParameters(trainable).setGradientComputer(new StandardBackprop(peft))
                    .setTrainData(new ListBatchSource(List.of(batch), 0, false)).setConfig(cfg)
                    .addListener(new TrainingListener() {
                        @Override
                        public void onStepEnd(StepEvent e) {
                            losses.add(e.loss());
                        }
                    }).build();
            TrainingResult r = trainer.fit();
            assertEquals(40, r.steps(), "no step may be skipped as non-finite: " + r);
            losses.forEach(l -> assertTrue(Double.isFinite(l), "losses " + losses));
            double after = PeftTestModels.loss(peft, batch);
            assertTrue(after < before / 2, "loss " + before + " -> " + after);
        }
    }

    @Test
    void updatesBelowHalfPrecisionAccumulateInTheMaster() {
        try (NDManager root = Djl.engine().newBaseManager()) {
            NDManager m = root.newSubManager();
            NDArray w = m.ones(new Shape(4), HALF);
            Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).optArray(w).build();
            p.freeze(false);
            AdamW opt = AdamW.builder().setParameters(Map.of("w", p)).build();
            // Adam's first steps move a weight by ≈ lr whatever the gradient: 1e-4 is below half of fp16's
            // spacing just under 1.0 (2⁻¹¹ ≈ 4.9e-4), so each update alone would round back to 1.0
            for (int i = 0; i < 20; i++) {
                try (NDArray g = m.ones(new Shape(4), HALF)) {
                    opt.update(1e-4, Map.of("w", g));
                }
            }
            float moved = 1f - w.toType(DataType.FLOAT32, false).toFloatArray()[0];
            assertTrue(moved > 1.5e-3, "20 updates of 1e-4 must add up, moved " + moved);
            Map<String, HostTensor> state = opt.stateDict();
            assertTrue(state.containsKey("master.w"), state.keySet().toString());
            assertEquals(4 * (4 + 4 + 4), opt.stateBytes(), "float32 master, m and v");
        }
    }

    @Test
    void leftPaddedHalfBatchesKeepFiniteGradients() {
        try (NDManager root = Djl.engine().newBaseManager()) {
            PeftModel peft = PeftModel.create(PeftTestModels.model(root, PeftTestModels.tiny(), 2, HALF),
                    LoraConfig.builder().optR(4).build(), 5);
            long[][] ids = {{0, 0, 0, 7, 3, 12, 9, 4}, {1, 2, 3, 4, 5, 6, 7, 8}};
            long[][] labels = {{-100, -100, -100, -100, 3, 12, 9, 4}, {-100, 2, 3, 4, 5, 6, 7, 8}};
            int[][] segments = {{-1, -1, -1, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0, 0, 0}};
            long[][] positions = {{0, 0, 0, 0, 1, 2, 3, 4}, {0, 1, 2, 3, 4, 5, 6, 7}};
            TokenBatch padded = new TokenBatch(ids, labels, segments, positions);
            Map<String, Parameter> trainable = peft.trainableParameters();
            trainable.values().forEach(p -> JniUtils.zeroGrad((PtNDArray) p.getArray()));
            try (NDManager step = peft.resources().newStepManager()) {
                double loss = new StandardBackprop(peft).accumulateGradients(padded, 1f / padded.targetCount(), step);
                assertTrue(Double.isFinite(loss), "loss " + loss);
                double sum = 0;
                for (Parameter p : trainable.values()) {
                    NDArray g = p.getArray().getGradient();
                    g.attach(step);
                    for (float x : g.toType(DataType.FLOAT32, false).toFloatArray()) {
                        assertTrue(Float.isFinite(x), p.getName() + " has a non-finite gradient");
                        sum += Math.abs(x);
                    }
                }
                assertTrue(sum > 0, "the gradient must reach the adapter");
            }
        }
    }

    @Test
    void generationReadsHalfPrecisionLogits() {
        try (NDManager root = Djl.engine().newBaseManager()) {
            LlamaForCausalLM model = PeftTestModels.model(root, PeftTestModels.tiny(), 4, HALF);
            GeneratedSequence g = new Generator(model, ids -> String.valueOf(ids.length))
                    .generate(new long[] {1, 7, 3}, SamplingConfig.greedy(6), TokenListener.NONE);
            assertEquals(6, g.tokens().length);
        }
    }

    private static float[] logits(LlamaForCausalLM model) {
        try (NDManager step = model.resources().newStepManager()) {
            NDArray ids = step.create(new long[] {1, 7, 3, 9, 12, 30, 4, 4, 22, 17}, new Shape(1, 10));
            return model.forward(ForwardInput.of(ids)).toType(DataType.FLOAT32, false).toFloatArray();
        }
    }
}
