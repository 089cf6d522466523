package org.finetune4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

class DevicePolicyTest {

    @Test
    void unsetMeansTheBestDeviceWithItsDtype() {
        DevicePolicy auto = DevicePolicy.auto();
        assertEquals(auto, DevicePolicy.fromSettings(null, null));
        assertEquals(auto, DevicePolicy.fromSettings("auto", "auto"));
        assertEquals(DataType.FLOAT32, auto.computeType());
        if (!auto.isGpu()) {
            assertEquals(DevicePolicy.cpu(), auto);
        }
    }

    @Test
    void dtypeSettingOverridesTheComputeType() {
        assertEquals(new DevicePolicy(Device.cpu(), DataType.FLOAT16), DevicePolicy.fromSettings("cpu", "fp16"));
        assertEquals(DevicePolicy.cpu(), DevicePolicy.fromSettings("CPU", "float32"));
        // DJL 0.36's JNI aborts the JVM on a bfloat16 tensor: refused before any is made
        IllegalArgumentException bf16 = assertThrows(IllegalArgumentException.class,
                () -> DevicePolicy.fromSettings("cpu", "bf16"));
        assertTrue(bf16.getMessage().contains("no bfloat16"), bf16.getMessage());
    }

    @Test
    void unknownValuesAreRejectedByName() {
        IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class,
                () -> DevicePolicy.fromSettings("cpu", "int8"));
        assertTrue(dtype.getMessage().contains("FINETUNE4J_DTYPE") && dtype.getMessage().contains("int8"));
        IllegalArgumentException device = assertThrows(IllegalArgumentException.class,
                () -> DevicePolicy.fromSettings("tpu", null));
        assertTrue(device.getMessage().contains("FINETUNE4J_DEVICE") && device.getMessage().contains("tpu"));
        if (!DevicePolicy.auto().isGpu()) {
            assertThrows(IllegalStateException.class, () -> DevicePolicy.fromSettings("gpu", null));
        }
    }
}
