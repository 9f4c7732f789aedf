package org.rlhf4j.engine.hf;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One safetensors file, opened for reading: an 8-byte little-endian header length N, N bytes of JSON mapping each tensor
 * name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (relative to the end of the header; an optional
 * {@code "__metadata__"} of strings), then the tensors' bytes.
 *
 * <p>{@link #open} validates the whole header against the file before anything else is read: the header length within
 * the file (and at most {@value #MAX_HEADER_BYTES} bytes, so a forged length cannot ask for gigabytes), the header
 * JSON, every dtype and shape, every tensor's offsets inside the data section and of exactly the length its dtype and
 * shape need, and no two tensors overlapping. A failure is a {@link CheckpointFormatException} naming the file and the
 * tensor. {@link #readFloat} then maps that one tensor's bytes ({@link FileChannel#map}; never the whole file onto the
 * heap) and converts them to float straight into the array's native memory.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** The largest header accepted: real headers are a few hundred kilobytes. */
    public static final int MAX_HEADER_BYTES = 100_000_000;
    /** The largest tensor one mapping can hold. */
    static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One tensor of the header.
     *
     * @param name the tensor's name
     * @param dtype its element type
     * @param shape its shape
     * @param begin the first byte of its data, relative to the data section
     * @param end one past its last byte
     */
    public record TensorInfo(String name, SafetensorsDtype dtype, long[] shape, long begin, long end) {
        /** Number of elements. */
        public long elements() {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            return n;
        }

        @Override
        public String toString() {
            return name + " " + dtype + " " + Arrays.toString(shape);
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path file, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
            Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /**
     * Opens and validates {@code file}.
     *
     * @throws CheckpointFormatException when the file is not a valid safetensors file
     */
    public static SafetensorsFile open(Path file) throws IOException {
        requireNonNull(file, "file is null");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < 8) {
                throw bad(file, "not a safetensors file: " + size + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength < 2 || headerLength > size - 8) {
                throw bad(file, "the header length " + Long.toUnsignedString(headerLength) + " runs past the end of the file ("
                        + size + " bytes): not a safetensors file, or a truncated one");
            }
            if (headerLength > MAX_HEADER_BYTES) {
                throw bad(file, "the header length " + headerLength + " is over the " + MAX_HEADER_BYTES + " bytes accepted");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8);
            long dataStart = 8 + headerLength;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = parseHeader(file, new String(header.array(), StandardCharsets.UTF_8),
                    size - dataStart, metadata);
            return new SafetensorsFile(file, channel, dataStart, tensors, metadata);
        }
        catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static Map<String, TensorInfo> parseHeader(Path file, String text, long dataLength, Map<String, String> metadata) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        }
        catch (JsonProcessingException e) {
            throw new CheckpointFormatException(file + ": the header is not JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw bad(file, "the header is not a JSON object");
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode node = e.getValue();
            if (name.equals("__metadata__")) {
                if (!node.isObject()) {
                    throw bad(file, "__metadata__ is not an object of strings");
                }
                node.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            tensors.put(name, tensor(file, name, node, dataLength));
        }
        List<TensorInfo> byOffset = new ArrayList<>(tensors.values());
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        for (int i = 1; i < byOffset.size(); i++) {
            TensorInfo a = byOffset.get(i - 1);
            TensorInfo b = byOffset.get(i);
            if (b.begin() < a.end()) {
                throw bad(file, "tensors '" + a.name() + "' (data_offsets [" + a.begin() + ", " + a.end() + "]) and '" + b.name()
                        + "' ([" + b.begin() + ", " + b.end() + "]) overlap");
            }
        }
        return tensors;
    }

    private static TensorInfo tensor(Path file, String name, JsonNode node, long dataLength) {
        String where = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw bad(file, where + " is not an object with dtype, shape and data_offsets");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw bad(file, where + " has no dtype");
        }
        SafetensorsDtype dtype = SafetensorsDtype.of(dtypeNode.asText()).orElseThrow(() -> bad(file,
                where + " has the unknown dtype '" + dtypeNode.asText() + "' (known: " + SafetensorsDtype.known() + ")"));
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw bad(file, where + " has no shape");
        }
        long[] shape = new long[shapeNode.size()];
        long bytes = dtype.bytes();
        for (int i = 0; i < shape.length; i++) {
            JsonNode dim = shapeNode.get(i);
            if (!dim.canConvertToLong() || !dim.isIntegralNumber() || dim.asLong() < 0) {
                throw bad(file, where + " has a bad shape " + shapeNode);
            }
            shape[i] = dim.asLong();
            try {
                bytes = Math.multiplyExact(bytes, shape[i]);
            }
            catch (ArithmeticException overflow) {
                throw bad(file, where + " has a shape " + shapeNode + " too large to address");
            }
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2 || !offsets.get(0).isIntegralNumber()
                || !offsets.get(1).isIntegralNumber() || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
            throw bad(file, where + " has no data_offsets [begin, end]");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin || end > dataLength) {
            throw bad(file, where + " has data_offsets [" + begin + ", " + end + "] outside the data section of " + dataLength
                    + " bytes");
        }
        if (end - begin != bytes) {
            throw bad(file, where + " has data_offsets [" + begin + ", " + end + "] holding " + (end - begin) + " bytes, but its dtype "
                    + dtype + " and shape " + Arrays.toString(shape) + " need " + bytes);
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** The tensors by name, in header order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The {@code __metadata__} strings (empty without). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensor named {@code name}. */
    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(requireNonNull(name, "name is null"));
        if (info == null) {
            throw bad(file, "no tensor '" + name + "'");
        }
        return info;
    }

    /**
     * Tensor {@code name} as a new FLOAT array of its shape (F32 copied, F16, BF16 and F64 converted), read through a
     * mapping of its bytes only.
     *
     * @throws CheckpointFormatException when the tensor's type is not a floating-point one, or it is over 2 GiB
     */
    public INDArray readFloat(String name) throws IOException {
        TensorInfo info = info(name);
        if (!info.dtype().loadable()) {
            throw bad(file, "tensor '" + name + "' is of type " + info.dtype() + "; the engine loads F32, F16, BF16 and F64 weights");
        }
        long length = info.end() - info.begin();
        if (length > MAX_TENSOR_BYTES) {
            throw bad(file, "tensor '" + name + "' is " + length + " bytes, over the 2 GiB one mapping holds");
        }
        long[] shape = info.shape().length == 0 ? new long[] {1} : info.shape();
        INDArray out = Nd4j.create(DataType.FLOAT, shape, 'c');
        if (length == 0) {
            return out;
        }
        MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), length);
        ByteBuffer source = mapped.order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer target = out.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        int n = (int) info.elements();
        switch (info.dtype()) {
            case F32 -> target.put(source.asFloatBuffer());
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    target.put(i, (float) source.getDouble(i * 8));
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    target.put(i, SafetensorsDtype.halfToFloat(source.getShort(i * 2)));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    target.put(i, SafetensorsDtype.bf16ToFloat(source.getShort(i * 2)));
                }
            }
            default -> throw new IllegalStateException(info.dtype().name());
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException("unexpected end of file");
            }
            at += read;
        }
    }

    private static CheckpointFormatException bad(Path file, String message) {
        return new CheckpointFormatException(file + ": " + message);
    }
}
