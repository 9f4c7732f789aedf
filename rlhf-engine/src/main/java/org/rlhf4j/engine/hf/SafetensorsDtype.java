package org.rlhf4j.engine.hf;

import java.util.Arrays;
import java.util.Optional;

/** The element types of the safetensors format; the engine converts the floating-point ones to float on load. */
public enum SafetensorsDtype {
    F64(8, true), F32(4, true), F16(2, true), BF16(2, true),
    I64(8, false), I32(4, false), I16(2, false), I8(1, false),
    U64(8, false), U32(4, false), U16(2, false), U8(1, false), BOOL(1, false),
    F8_E4M3(1, false), F8_E5M2(1, false);

    private final int bytes;
    private final boolean loadable;

    SafetensorsDtype(int bytes, boolean loadable) {
        this.bytes = bytes;
        this.loadable = loadable;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** Whether the engine can load a tensor of this type (as float): F64, F32, F16, BF16. */
    public boolean loadable() {
        return loadable;
    }

    /** The type named {@code name} in a header, if the format has it. */
    public static Optional<SafetensorsDtype> of(String name) {
        return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
    }

    /** The names of every type, for error messages. */
    public static String known() {
        return Arrays.toString(values());
    }

    /** The float of an IEEE half-precision value. */
    static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h >>> 15) << 31;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) { // infinity or NaN
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            float value = mantissa / 1024f / 16384f; // subnormal: mantissa * 2^-24
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** The float of a bfloat16 value: the upper 16 bits of a float. */
    static float bf16ToFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xffff) << 16);
    }
}
