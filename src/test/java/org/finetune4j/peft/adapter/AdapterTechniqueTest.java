package org.finetune4j.peft.adapter;

import static org.finetune4j.peft.PeftTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.Map;
import org.finetune4j.peft.AdapterActivation;
import org.finetune4j.peft.AdapterConfig;
import org.finetune4j.peft.AdapterPlacement;
import org.finetune4j.peft.PeftModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AdapterTechniqueTest {

    @ParameterizedTest
    @EnumSource(AdapterPlacement.class)
    void stepZeroEqualsTheBaseModelExactly(AdapterPlacement placement) {
        try (NDManager root = root()) {
            double[] base = logits(base(root, F32), batch());
            PeftModel model = PeftModel.create(base(root, F32), new AdapterConfig(placement, 4, AdapterActivation.SWISH), 1);
            assertArrayEquals(base, logits(model, batch()), 0);
            int perAdapter = 8 * 32 + 8 + 32 * 8 + 32;
            int adapters = placement == AdapterPlacement.HOULSBY ? 4 : 2;
            assertEquals((long) adapters * perAdapter, model.report().trainableParameters());
            assertEquals(placement == AdapterPlacement.HOULSBY,
                    model.trainableParameters().containsKey("model.layers.0.attn_adapter.down.weight"));
            assertTrue(model.trainableParameters().containsKey("model.layers.1.mlp_adapter.up.bias"));
        }
    }

    @ParameterizedTest
    @EnumSource(AdapterActivation.class)
    void gradientMatchesFiniteDifferences(AdapterActivation activation) {
        try (NDManager root = root()) {
            PeftModel model = PeftModel.create(base(root, F64), new AdapterConfig(AdapterPlacement.HOULSBY, 4, activation), 2);
            train(model, batch(), 2, 0.05); // move up off zero so down gets a gradient too
            checkGradient(model, batch(), "model.layers.0.attn_adapter.down.weight", 0, 45, 200);
            checkGradient(model, batch(), "model.layers.0.attn_adapter.up.weight", 3, 77, 255);
            checkGradient(model, batch(), "model.layers.1.mlp_adapter.up.bias", 0, 13, 31);
            checkGradient(model, batch(), "model.layers.1.mlp_adapter.down.bias", 0, 5);
        }
    }

    @ParameterizedTest
    @EnumSource(AdapterPlacement.class)
    void overfitsAFixedBatchAndOnlyAdaptersChange(AdapterPlacement placement) {
        try (NDManager root = root()) {
            PeftModel model = PeftModel.create(base(root, F32), new AdapterConfig(placement, 4, AdapterActivation.RELU), 3);
            Map<String, byte[]> before = snapshot(model);
            double[] losses = train(model, batch(), 40, 0.02);
            assertTrue(losses[losses.length - 1] < losses[0] / 2, "loss " + losses[0] + " -> " + losses[losses.length - 1]);
            Map<String, byte[]> after = snapshot(model);
            before.forEach((name, bytes) -> assertEquals(!name.contains("_adapter."),
                    Arrays.equals(bytes, after.get(name)), name));
        }
    }

    @Test
    void tooLargeReductionIsRejected() {
        try (NDManager root = root()) {
            var base = base(root, F32);
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> PeftModel.create(base, new AdapterConfig(AdapterPlacement.PFEIFFER, 64, AdapterActivation.RELU), 0));
            assertTrue(e.getMessage().contains("reduction_factor 64"), e.getMessage());
        }
    }
}
