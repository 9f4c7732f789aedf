package org.rlhf4j.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ArrayCodecTest {

    private static byte[] encode(Map<String, INDArray> arrays) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArrayCodec.write(arrays, out);
        return out.toByteArray();
    }

    @Test
    void roundTripsFloatAndDoubleBitForBit() throws IOException {
        float[] f = {1.1f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, Float.NEGATIVE_INFINITY, 1e-30f, 3.14159265f};
        double[] d = {Math.PI, -0.0, Double.MIN_VALUE, 1e300, Double.NaN, 0.1 + 0.2, -7.25, 1.0 / 3};
        Map<String, INDArray> arrays = new TreeMap<>();
        arrays.put("f", Nd4j.create(f, new long[] {2, 4}, DataType.FLOAT));
        arrays.put("d", Nd4j.create(d, new long[] {2, 2, 2}, DataType.DOUBLE));
        arrays.put("i", Nd4j.createFromArray(new int[] {Integer.MIN_VALUE, -1, 0, 7, Integer.MAX_VALUE, 42}).reshape(3, 2));
        arrays.put("l", Nd4j.createFromArray(new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 5}));
        arrays.put("scalar", Nd4j.scalar(2.5f));
        arrays.put("empty", Nd4j.create(DataType.FLOAT, 0, 3));

        Map<String, INDArray> back = ArrayCodec.read(encode(arrays));

        assertEquals(List.of("d", "empty", "f", "i", "l", "scalar"), List.copyOf(back.keySet()));
        float[] f2 = back.get("f").dup().data().asFloat();
        for (int i = 0; i < f.length; i++) {
            assertEquals(Float.floatToRawIntBits(f[i]), Float.floatToRawIntBits(f2[i]), "float " + i);
        }
        double[] d2 = back.get("d").dup().data().asDouble();
        for (int i = 0; i < d.length; i++) {
            assertEquals(Double.doubleToRawLongBits(d[i]), Double.doubleToRawLongBits(d2[i]), "double " + i);
        }
        assertArrayEquals(new long[] {2, 4}, back.get("f").shape());
        assertArrayEquals(new long[] {2, 2, 2}, back.get("d").shape());
        assertEquals(DataType.DOUBLE, back.get("d").dataType());
        assertArrayEquals(new long[] {3, 2}, back.get("i").shape());
        assertEquals(Integer.MIN_VALUE, back.get("i").getInt(0, 0));
        assertEquals(Integer.MAX_VALUE, back.get("i").getInt(2, 0));
        assertEquals(DataType.INT64, back.get("l").dataType());
        assertEquals(Long.MIN_VALUE, back.get("l").getLong(0));
        assertEquals(0, back.get("scalar").rank());
        assertEquals(2.5f, back.get("scalar").getFloat(0), 0f);
        assertArrayEquals(new long[] {0, 3}, back.get("empty").shape());
    }

    @Test
    void writesViewsInLogicalOrderAndKnownBytes() throws IOException {
        INDArray base = Nd4j.create(new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3}, DataType.FLOAT);
        INDArray transposed = base.transpose(); // a view, [3,2]: 1 4 / 2 5 / 3 6
        byte[] bytes = encode(Map.of("t", transposed));
        // header: magic 8, count 4, name (2 + 1), dtype 1, rank 4, shape 2*8 = 36 bytes, then data
        assertEquals(36 + 6 * 4, bytes.length);
        ByteBuffer data = ByteBuffer.wrap(bytes, 36, 24);
        float[] values = new float[6];
        data.asFloatBuffer().get(values);
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, values);
        assertEquals(transposed, ArrayCodec.read(bytes).get("t"));
    }

    @Test
    void sameArraysGiveSameBytesWhateverTheMapOrder() throws IOException {
        INDArray a = Nd4j.rand(DataType.FLOAT, 3, 3);
        INDArray b = Nd4j.rand(DataType.DOUBLE, 4);
        Map<String, INDArray> one = new java.util.LinkedHashMap<>();
        one.put("a", a);
        one.put("b", b);
        Map<String, INDArray> two = new java.util.LinkedHashMap<>();
        two.put("b", b);
        two.put("a", a);
        assertArrayEquals(encode(one), encode(two));
    }

    @Test
    void rejectsTruncatedAndForeignBytesAndUnsupportedTypes() throws IOException {
        byte[] bytes = encode(Map.of("w", Nd4j.rand(DataType.FLOAT, 10)));
        assertThrows(IOException.class, () -> ArrayCodec.read(Arrays.copyOf(bytes, bytes.length - 1)));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThrows(IOException.class, () -> ArrayCodec.read(longer));
        assertThrows(IOException.class, () -> ArrayCodec.read("hello world, not arrays".getBytes()));
        IOException e = assertThrows(IOException.class,
                () -> encode(Map.of("h", Nd4j.create(DataType.FLOAT16, 2))));
        assertEquals(true, e.getMessage().contains("HALF"), e.getMessage());
    }
}
