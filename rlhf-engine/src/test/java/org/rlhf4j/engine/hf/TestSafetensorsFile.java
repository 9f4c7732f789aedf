package org.rlhf4j.engine.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The safetensors reader and writer, and every malformed or hostile file as a clear error naming the file and the tensor. */
class TestSafetensorsFile {
    @TempDir
    Path dir;

    @Test
    void writtenTensorsReadBackBitExactWithTheirMetadata() throws IOException {
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        tensors.put("a", Nd4j.createFromArray(new float[][] {{1.5f, -2f, 3.25f}, {0f, Float.MIN_VALUE, 7e30f}}));
        tensors.put("b.c", Nd4j.rand(DataType.FLOAT, 4, 5, 3));
        tensors.put("empty", Nd4j.create(DataType.FLOAT, 0, 3));
        tensors.put("double", Nd4j.createFromArray(0.1, 0.2)); // stored as F32
        Path file = dir.resolve("x.safetensors");
        SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "the header is padded to 8 bytes");
        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            assertEquals(java.util.List.of("a", "b.c", "empty", "double"), java.util.List.copyOf(read.tensors().keySet()));
            assertEquals(Map.of("format", "pt"), read.metadata());
            assertEquals(tensors.get("a"), read.readFloat("a"));
            assertEquals(tensors.get("b.c"), read.readFloat("b.c"));
            assertArrayEquals(new long[] {0, 3}, read.readFloat("empty").shape());
            assertEquals(SafetensorsDtype.F32, read.info("double").dtype());
            assertEquals(0.1f, read.readFloat("double").getFloat(0));
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> read.readFloat("nope"));
            assertEquals(file + ": no tensor 'nope'", e.getMessage());
        }
    }

    @Test
    void halfBfloatAndDoubleTensorsAreConvertedToFloat() throws IOException {
        // 1.0, -2.5, 0.000061035156 (the smallest normal half), 65504 (the largest), a subnormal, +0
        short[] half = {0x3c00, (short) 0xc100, 0x0400, 0x7bff, 0x0001, 0};
        float[] halfValues = {1f, -2.5f, 6.1035156e-5f, 65504f, 5.9604645e-8f, 0f};
        short[] bf16 = {0x3f80, (short) 0xc020, 0x4049}; // 1.0, -2.5, 3.140625
        float[] bf16Values = {1f, -2.5f, 3.140625f};
        ByteBuffer data = ByteBuffer.allocate(12 + 6 + 16).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : half) {
            data.putShort(s);
        }
        for (short s : bf16) {
            data.putShort(s);
        }
        data.putDouble(0.25).putDouble(-1e-3);
        Path file = raw("mixed.safetensors", "{\"h\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,12]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[12,18]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[18,34]}}", data.array());
        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            assertArrayEquals(halfValues, read.readFloat("h").data().asFloat());
            assertArrayEquals(new long[] {2, 3}, read.readFloat("h").shape());
            assertArrayEquals(bf16Values, read.readFloat("b").data().asFloat());
            assertArrayEquals(new float[] {0.25f, -1e-3f}, read.readFloat("d").data().asFloat());
        }
    }

    @Test
    void aHeaderLengthPastTheEndOfTheFileIsRejected() throws IOException {
        Path file = dir.resolve("cut.safetensors");
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
        Files.write(file, b.array());
        assertMessage(file, file + ": the header length 1099511627776 runs past the end of the file (20 bytes): not a safetensors "
                + "file, or a truncated one");
        ByteBuffer negative = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(-8);
        Files.write(file, negative.array());
        assertMessage(file, file + ": the header length 18446744073709551608 runs past the end of the file (20 bytes): not a "
                + "safetensors file, or a truncated one");
        Files.write(file, new byte[] {1, 2, 3});
        assertMessage(file, file + ": not a safetensors file: 3 bytes, shorter than the 8-byte header length");
    }

    @Test
    void aHeaderThatIsNotJsonIsRejected() throws IOException {
        Path file = raw("notjson.safetensors", "{\"a\": {\"dtype\": \"F32\", ", new byte[0]);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().startsWith(file + ": the header is not JSON ("), e.getMessage());
        Path array = raw("array.safetensors", "[1, 2]", new byte[0]);
        assertMessage(array, array + ": the header is not a JSON object");
    }

    @Test
    void overlappingOffsetsAreRejected() throws IOException {
        Path file = raw("overlap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]);
        assertMessage(file, file + ": tensors 'a' (data_offsets [0, 8]) and 'b' ([4, 12]) overlap");
    }

    @Test
    void offsetsOutsideTheDataSectionAreRejectedBeforeAnyRead() throws IOException {
        Path file = raw("range.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8]);
        assertMessage(file, file + ": tensor 'w' has data_offsets [0, 16] outside the data section of 8 bytes");
        Path reversed = raw("reversed.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", new byte[8]);
        assertMessage(reversed, reversed + ": tensor 'w' has data_offsets [8, 4] outside the data section of 8 bytes");
        Path wrongLength = raw("length.safetensors", "{\"w\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]);
        assertMessage(wrongLength, wrongLength + ": tensor 'w' has data_offsets [0, 8] holding 8 bytes, but its dtype F16 and shape "
                + "[3] need 6");
    }

    @Test
    void aForgedHugeShapeIsRejectedWithoutAllocating() throws IOException {
        // 2^40 x 2^40 floats: the product overflows a long; the check is arithmetic, nothing is allocated
        Path file = raw("huge.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1099511627776,1099511627776],"
                + "\"data_offsets\":[0,8]}}", new byte[8]);
        assertMessage(file, file + ": tensor 'w' has a shape [1099511627776,1099511627776] too large to address");
        Path big = raw("big.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000000,4],\"data_offsets\":[0,16000000000]}}",
                new byte[8]);
        assertMessage(big, big + ": tensor 'w' has data_offsets [0, 16000000000] outside the data section of 8 bytes");
    }

    @Test
    void anUnknownDtypeIsRejectedWithTheKnownOnes() throws IOException {
        Path file = raw("dtype.safetensors", "{\"w\":{\"dtype\":\"Q4_K\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[2]);
        assertMessage(file, file + ": tensor 'w' has the unknown dtype 'Q4_K' (known: " + SafetensorsDtype.known() + ")");
        Path ints = raw("ints.safetensors", "{\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8]);
        try (SafetensorsFile read = SafetensorsFile.open(ints)) {
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> read.readFloat("i"));
            assertEquals(ints + ": tensor 'i' is of type I64; the engine loads F32, F16, BF16 and F64 weights", e.getMessage());
        }
    }

    @Test
    void aShardedIndexMustNameShardsThatHoldItsTensors() throws IOException {
        Files.createDirectories(dir.resolve("ckpt"));
        SafetensorsWriter.write(dir.resolve("ckpt/one.safetensors"), Map.of("a", Nd4j.ones(DataType.FLOAT, 2)), Map.of());
        SafetensorsWriter.write(dir.resolve("ckpt/two.safetensors"), Map.of("b", Nd4j.zeros(DataType.FLOAT, 3)), Map.of());
        Path index = dir.resolve("ckpt/" + SafetensorsCheckpoint.INDEX);
        Files.writeString(index, "{\"metadata\": {}, \"weight_map\": {\"a\": \"one.safetensors\", \"b\": \"two.safetensors\"}}");
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir.resolve("ckpt"))) {
            assertEquals(2f, c.readFloat("a").sumNumber().floatValue());
            assertEquals(dir.resolve("ckpt/two.safetensors"), c.fileOf("b"));
        }
        Files.writeString(index, "{\"weight_map\": {\"a\": \"two.safetensors\"}}");
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> SafetensorsCheckpoint.open(dir.resolve("ckpt")));
        assertEquals(index + ": tensor 'a' is in 'two.safetensors', which has no such tensor", e.getMessage());
        Files.writeString(index, "{\"weight_map\": {\"a\": \"../elsewhere.safetensors\"}}");
        e = assertThrows(CheckpointFormatException.class, () -> SafetensorsCheckpoint.open(dir.resolve("ckpt")));
        assertEquals(index + ": tensor 'a' is in '../elsewhere.safetensors', which is not a file of " + dir.resolve("ckpt"), e.getMessage());
        e = assertThrows(CheckpointFormatException.class, () -> SafetensorsCheckpoint.open(dir));
        assertEquals(dir + ": no model.safetensors and no model.safetensors.index.json", e.getMessage());
    }

    private Path raw(String name, String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).put(data);
        Path file = dir.resolve(name);
        Files.write(file, b.array());
        return file;
    }

    private static void assertMessage(Path file, String message) {
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> SafetensorsFile.open(file));
        assertEquals(message, e.getMessage());
    }
}
