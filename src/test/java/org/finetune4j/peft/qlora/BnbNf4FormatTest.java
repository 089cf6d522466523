package org.finetune4j.peft.qlora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.TensorDType;
import org.junit.jupiter.api.Test;

class BnbNf4FormatTest {
    private static final String P = "model.layers.0.mlp.down_proj";
    private static final String W = P + ".weight";
    private static final String STATE = W + ".quant_state.bitsandbytes__nf4";

    private static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (0.02 * r.nextGaussian());
        }
        return w;
    }

    private static HostTensor u8(byte... b) {
        return new HostTensor(TensorDType.U8, new long[] {b.length}, ByteBuffer.wrap(b));
    }

    private static HostTensor json(String s) {
        return u8(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void doubleQuantizedRoundTripWithBitsandbytesKeysAndDtypes() {
        float[] w = gaussian(37 * 451, 9); // odd count, 261 blocks → two nested blocks
        Nf4Tensor t = Nf4Tensor.quantize(w, 37, 451);
        Map<String, HostTensor> m = BnbNf4Format.toBnbTensors(P, t, TensorDType.BF16);
        assertEquals(Set.of(W, W + ".absmax", W + ".quant_map", W + ".nested_absmax", W + ".nested_quant_map", STATE),
                m.keySet());
        assertEquals(TensorDType.U8, m.get(W).dtype());
        assertArrayEquals(new long[] {(37 * 451 + 1) / 2, 1}, m.get(W).shape());
        assertEquals(TensorDType.U8, m.get(W + ".absmax").dtype(), "double quant stores the 8-bit codes as absmax");
        assertArrayEquals(new long[] {261}, m.get(W + ".absmax").shape());
        assertArrayEquals(new long[] {2}, m.get(W + ".nested_absmax").shape());
        assertEquals(HostTensor.ofFloats(Nf4CodeBook.values(), 16), m.get(W + ".quant_map"));
        assertEquals(HostTensor.ofFloats(DynamicMap.values(), 256), m.get(W + ".nested_quant_map"));

        assertTrue(BnbNf4Format.isBnbNf4(P, m));
        assertEquals(TensorDType.BF16, BnbNf4Format.computeDtype(P, m));
        Nf4Tensor back = BnbNf4Format.fromBnbTensors(P, m);
        assertEquals(t, back);
        assertArrayEquals(t.dequantize(), back.dequantize());
    }

    @Test
    void plainRoundTrip() {
        Nf4Options options = Nf4Options.builder().optDoubleQuant(false).optBlockSize(128).build();
        Nf4Tensor t = Nf4Tensor.quantize(gaussian(300, 4), new long[] {3, 100}, options);
        Map<String, HostTensor> m = BnbNf4Format.toBnbTensors(P, t);
        assertEquals(Set.of(W, W + ".absmax", W + ".quant_map", STATE), m.keySet());
        assertEquals(TensorDType.F32, m.get(W + ".absmax").dtype());
        assertEquals(TensorDType.F32, BnbNf4Format.computeDtype(P, m));
        assertEquals(t, BnbNf4Format.fromBnbTensors(P, m));
        assertFalse(BnbNf4Format.isBnbNf4("other", m));
    }

    @Test
    void quantStateJsonIsWhatPythonJsonDumpsWrites() {
        // One block with absmax 1 → offset = 1.0, absmax2 = 0. Python: json.dumps({...}) with default separators.
        float[] w = {1.0f, -1.0f, 0.0f, 0.5f, -0.5f, 0.33f, 0.0796f, -0.2f};
        Map<String, HostTensor> m = BnbNf4Format.toBnbTensors(P, Nf4Tensor.quantize(w, 2, 4));
        ByteBuffer b = m.get(STATE).data();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        assertEquals("{\"quant_type\": \"nf4\", \"blocksize\": 64, \"dtype\": \"float32\", \"shape\": [2, 4], "
                + "\"nested_blocksize\": 256, \"nested_dtype\": \"float32\", \"nested_offset\": 1.0}",
                new String(bytes, StandardCharsets.UTF_8));
    }

    /** A state dict written by hand the way bitsandbytes lays it out, independent of toBnbTensors. */
    private static Map<String, HostTensor> handWritten() {
        Map<String, HostTensor> m = new HashMap<>();
        // codes 15, 0 | 7, 12 → bytes 0xF0, 0x7C; one block with absmax 2
        m.put(W, new HostTensor(TensorDType.U8, new long[] {2, 1}, ByteBuffer.wrap(new byte[] {(byte) 0xF0, 0x7C})));
        m.put(W + ".absmax", HostTensor.ofFloats(new float[] {2f}, 1));
        m.put(W + ".quant_map", HostTensor.ofFloats(Nf4CodeBook.values(), 16));
        m.put(STATE, json("{\"quant_type\": \"nf4\", \"blocksize\": 64, \"dtype\": \"bfloat16\", \"shape\": [2, 2]}"));
        return m;
    }

    @Test
    void readsAHandWrittenBitsandbytesStateDict() {
        Nf4Tensor t = BnbNf4Format.fromBnbTensors(P, handWritten());
        assertArrayEquals(new long[] {2, 2}, t.shape());
        assertEquals(TensorDType.BF16, BnbNf4Format.computeDtype(P, handWritten()));
        assertArrayEquals(new float[] {2f, -2f, 0f, 0.44070982933044434f * 2f}, t.dequantize());
    }

    @Test
    void badStateDictsAreRejectedNamingTheTensor() {
        Map<String, HostTensor> m = handWritten();
        m.remove(W + ".absmax");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BnbNf4Format.fromBnbTensors(P, m));
        assertTrue(e.getMessage().contains(W + ".absmax"), e.getMessage());

        Map<String, HostTensor> fp4 = handWritten();
        fp4.put(STATE, json("{\"quant_type\": \"fp4\", \"blocksize\": 64, \"dtype\": \"float32\", \"shape\": [2, 2]}"));
        e = assertThrows(IllegalArgumentException.class, () -> BnbNf4Format.fromBnbTensors(P, fp4));
        assertTrue(e.getMessage().contains("fp4") && e.getMessage().contains(STATE), e.getMessage());

        Map<String, HostTensor> wrongMap = handWritten();
        float[] map = Nf4CodeBook.values();
        map[3] += 0.01f;
        wrongMap.put(W + ".quant_map", HostTensor.ofFloats(map, 16));
        e = assertThrows(IllegalArgumentException.class, () -> BnbNf4Format.fromBnbTensors(P, wrongMap));
        assertTrue(e.getMessage().contains(W + ".quant_map"), e.getMessage());

        Map<String, HostTensor> wrongShape = handWritten();
        wrongShape.put(STATE, json("{\"quant_type\": \"nf4\", \"blocksize\": 64, \"dtype\": \"float32\", \"shape\": [3, 2]}"));
        e = assertThrows(IllegalArgumentException.class, () -> BnbNf4Format.fromBnbTensors(P, wrongShape));
        assertTrue(e.getMessage().contains(W + ":"), e.getMessage());

        Map<String, HostTensor> badJson = handWritten();
        badJson.put(STATE, json("{\"quant_type\": "));
        e = assertThrows(IllegalArgumentException.class, () -> BnbNf4Format.fromBnbTensors(P, badJson));
        assertTrue(e.getMessage().contains(STATE), e.getMessage());
    }
}
