package org.rlhf4j.engine.checkpoint;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads and writes a set of named arrays in a small, exact, big-endian binary format.
 *
 * <pre>
 * file   := magic "RLHF4JA1" (8 bytes), int count, entry*count   (entries sorted by name)
 * entry  := UTF name (java.io.DataOutput#writeUTF), byte dtype, int rank, long[rank] shape,
 *           data: length elements in C (row-major) order, IEEE 754 / two's complement, big-endian
 * dtype  := 1 FLOAT | 2 DOUBLE | 3 INT (32 bit) | 4 LONG (64 bit)
 * </pre>
 *
 * The raw bits are copied, so float and double round-trip exactly (NaN payloads included). The same
 * map always gives the same bytes. Python can read it with {@code numpy.frombuffer(..., ">f4")}.
 */
public final class ArrayCodec {
    private static final byte[] MAGIC = "RLHF4JA1".getBytes(StandardCharsets.US_ASCII);

    private ArrayCodec() {}

    /** Writes {@code arrays} (sorted by name) to {@code out}; does not close it. */
    public static void write(Map<String, INDArray> arrays, OutputStream out) throws IOException {
        requireNonNull(arrays, "arrays is null");
        DataOutputStream data = new DataOutputStream(requireNonNull(out, "out is null"));
        data.write(MAGIC);
        data.writeInt(arrays.size());
        for (Map.Entry<String, INDArray> e : new TreeMap<>(arrays).entrySet()) {
            writeEntry(data, requireNonNull(e.getKey(), "array name is null"),
                    requireNonNull(e.getValue(), () -> "array " + e.getKey() + " is null"));
        }
        data.flush();
    }

    @SuppressWarnings("deprecation")
    private static void writeEntry(DataOutputStream out, String name, INDArray array) throws IOException {
        DataType type = array.dataType();
        int code = code(type, name);
        long[] shape = array.shape();
        out.writeUTF(name);
        out.writeByte(code);
        out.writeInt(shape.length);
        for (long dim : shape) {
            out.writeLong(dim);
        }
        long length = array.length();
        if (length == 0) {
            return;
        }
        if (length * type.width() > Integer.MAX_VALUE - 8) {
            throw new IOException("array " + name + " is too large for this format: " + Arrays.toString(shape));
        }
        INDArray flat = array.dup('c').reshape(length);
        ByteBuffer buffer = ByteBuffer.allocate((int) (length * type.width()));
        switch (type) {
            case FLOAT -> buffer.asFloatBuffer().put(flat.toFloatVector());
            case DOUBLE -> buffer.asDoubleBuffer().put(flat.toDoubleVector());
            case INT -> buffer.asIntBuffer().put(flat.toIntVector());
            case LONG -> buffer.asLongBuffer().put(flat.toLongVector());
            default -> throw new AssertionError(type);
        }
        out.write(buffer.array());
    }

    /**
     * Parses bytes written by {@link #write}, preserving the stored order (sorted by name).
     *
     * @throws IOException if the bytes are not a complete, well-formed file
     */
    public static Map<String, INDArray> read(byte[] bytes) throws IOException {
        requireNonNull(bytes, "bytes is null");
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        byte[] magic = new byte[MAGIC.length];
        in.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException("not an rlhf4j array file (bad magic)");
        }
        int count = in.readInt();
        if (count < 0) {
            throw new IOException("negative array count " + count);
        }
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            arrays.put(name, readEntry(in, name));
        }
        if (in.read() != -1) {
            throw new IOException("trailing bytes after " + count + " arrays");
        }
        return arrays;
    }

    @SuppressWarnings("deprecation")
    private static INDArray readEntry(DataInputStream in, String name) throws IOException {
        DataType type = type(in.readByte(), name);
        int rank = in.readInt();
        if (rank < 0 || rank > 32) {
            throw new IOException("array " + name + " has invalid rank " + rank);
        }
        long[] shape = new long[rank];
        long length = 1;
        for (int d = 0; d < rank; d++) {
            shape[d] = in.readLong();
            if (shape[d] < 0) {
                throw new IOException("array " + name + " has a negative dimension");
            }
            length = Math.multiplyExact(length, shape[d]);
        }
        if (length == 0) {
            return Nd4j.create(type, shape);
        }
        if (length * type.width() > in.available()) {
            throw new EOFException("array " + name + " is truncated");
        }
        byte[] raw = new byte[(int) (length * type.width())];
        in.readFully(raw);
        ByteBuffer buffer = ByteBuffer.wrap(raw);
        int n = (int) length;
        return switch (type) {
            case FLOAT -> {
                float[] v = new float[n];
                buffer.asFloatBuffer().get(v);
                yield Nd4j.create(v, shape, DataType.FLOAT);
            }
            case DOUBLE -> {
                double[] v = new double[n];
                buffer.asDoubleBuffer().get(v);
                yield Nd4j.create(v, shape, DataType.DOUBLE);
            }
            case INT -> {
                int[] v = new int[n];
                buffer.asIntBuffer().get(v);
                yield Nd4j.createFromArray(v).reshape('c', shape);
            }
            case LONG -> {
                long[] v = new long[n];
                buffer.asLongBuffer().get(v);
                yield Nd4j.createFromArray(v).reshape('c', shape);
            }
            default -> throw new AssertionError(type);
        };
    }

    @SuppressWarnings("deprecation") // INT and LONG are the enum constants behind INT32 and INT64
    private static int code(DataType type, String name) throws IOException {
        return switch (type) {
            case FLOAT -> 1;
            case DOUBLE -> 2;
            case INT -> 3;
            case LONG -> 4;
            default -> throw new IOException("array " + name + ": data type " + type
                    + " is not supported (FLOAT, DOUBLE, INT, LONG are)");
        };
    }

    @SuppressWarnings("deprecation")
    private static DataType type(byte code, String name) throws IOException {
        return switch (code) {
            case 1 -> DataType.FLOAT;
            case 2 -> DataType.DOUBLE;
            case 3 -> DataType.INT;
            case 4 -> DataType.LONG;
            default -> throw new IOException("array " + name + " has unknown data type code " + code);
        };
    }
}
