package org.finetune4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.junit.jupiter.api.Test;

class DeviceCheckTest {

    /** Every check's name, in the order the doctor prints them. */
    static List<String> expectedNames() {
        List<String> names = new ArrayList<>(List.of(DeviceCheck.ENVIRONMENT, DeviceCheck.FORWARD, DeviceCheck.KV_CACHE));
        for (String t : List.of("LoRA r=8", "DoRA r=8", "QLoRA r=8", "full fine-tuning", "prompt tuning",
                "prefix tuning", "prefix tuning + projection", "adapters (Houlsby)", "BitFit")) {
            names.add(DeviceCheck.TRAIN + t);
        }
        for (String m : List.of("LoRA", "DoRA", "QLoRA")) {
            names.add(DeviceCheck.MERGED + m);
        }
        names.add(DeviceCheck.NF4);
        names.add(DeviceCheck.GENERATE);
        return names;
    }

    @Test
    void everyCheckPassesOnCpuFloat32() {
        List<DeviceCheck.Result> results = DeviceCheck.run(DevicePolicy.cpu());
        String table = DeviceCheck.markdown(results);
        assertEquals(expectedNames(), results.stream().map(DeviceCheck.Result::name).toList(), table);
        for (DeviceCheck.Result r : results) {
            assertTrue(r.passed(), r.name() + " failed:\n" + table);
        }
        assertTrue(DeviceCheck.allPassed(results));
        assertTrue(table.startsWith("| check | result | figure | detail |\n|---|---|---|---|\n"), table);
        assertEquals(results.size() + 2, table.split("\n").length, table);
        assertFalse(table.contains("FAIL"), table);
    }

    @Test
    void forwardCheckFailsWhenTheDeviceModelDiffersFromTheReference() {
        DeviceCheck.Result r = DeviceCheck.forwardVsCpu(DevicePolicy.cpu(),
                LlamaForCausalLM.randomWeights(DeviceCheck.tinyConfig(), 99, DeviceCheck.WEIGHT_STD),
                DeviceCheck.randomWeights());
        assertFalse(r.passed(), r.toString());
        assertEquals(DeviceCheck.FORWARD, r.name());
        assertTrue(r.figure().startsWith("max rel diff "), r.figure());
    }

    @Test
    void logitComparisonUsesTheComputeTypesRelativeTolerance() {
        float[] ref = {1f, -4f, 2f, 0.5f};
        float[] off = ref.clone();
        off[3] += 4f * 5e-4f; // 5e-4 of max |ref|
        assertTrue(DeviceCheck.compareLogits("x", ref.clone(), ref, DataType.FLOAT32, "").passed());
        assertFalse(DeviceCheck.compareLogits("x", off, ref, DataType.FLOAT32, "").passed(), "5e-4 > 1e-4 in float32");
        assertTrue(DeviceCheck.compareLogits("x", off, ref, DataType.BFLOAT16, "").passed(), "5e-4 < 3e-2 in bf16");
        assertEquals(5e-4, DeviceCheck.relativeMaxDiff(off, ref), 1e-6);
        float[] nan = ref.clone();
        nan[0] = Float.NaN;
        assertFalse(DeviceCheck.compareLogits("x", nan, ref, DataType.FLOAT16, "").passed(), "NaN never passes");
    }

    @Test
    void aCheckThatThrowsIsAFailRowWithItsMessage() {
        DeviceCheck.Result r = DeviceCheck.guarded("boom", () -> {
            throw new IllegalStateException("no kernel for bf16");
        });
        assertFalse(r.passed());
        assertEquals("IllegalStateException: no kernel for bf16", r.detail());
        String table = DeviceCheck.markdown(List.of(r, new DeviceCheck.Result("a|b", true, "1", "x\ny")));
        assertTrue(table.contains("| boom | **FAIL** | exception | IllegalStateException: no kernel for bf16 |"), table);
        assertTrue(table.contains("| a\\|b | PASS | 1 | x y |"), table);
        assertFalse(DeviceCheck.allPassed(List.of(r)));
    }
}
