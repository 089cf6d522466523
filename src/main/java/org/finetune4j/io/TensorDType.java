package org.finetune4j.io;

import java.util.Locale;

/**
 * Element types of stored tensors, named as in safetensors headers.
 *
 * <p>The declaration order is the safetensors reference order of increasing alignment; the writer
 * sorts tensors by descending ordinal, then by name, to produce byte-identical files.
 */
public enum TensorDType {
    BOOL(1),
    U8(1),
    I8(1),
    F8_E5M2(1),
    F8_E4M3(1),
    I16(2),
    U16(2),
    F16(2),
    BF16(2),
    I32(4),
    U32(4),
    F32(4),
    F64(8),
    I64(8),
    U64(8);

    private final int byteSize;

    TensorDType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether values are floating point (and so can be converted to float32 on the Java side). */
    public boolean isFloatingPoint() {
        return this == F16 || this == BF16 || this == F32 || this == F64 || this == F8_E4M3 || this == F8_E5M2;
    }

    /** Parses a safetensors dtype string such as {@code "BF16"}; the error lists the known names. */
    public static TensorDType parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(
                    "unknown tensor dtype '" + name + "'; known: " + java.util.Arrays.toString(values()));
        }
    }
}
