package org.rlhf4j.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CheckpointStoreTest {
    @TempDir
    Path root;

    static Checkpoint sample(long step) {
        Nd4j.getRandom().setSeed(step);
        return new Checkpoint(step,
                Map.of("tok_emb", Nd4j.randn(DataType.FLOAT, 16, 8), "ln_f.g", Nd4j.ones(DataType.FLOAT, 8)),
                Map.of("adam.m.tok_emb", Nd4j.randn(DataType.DOUBLE, 16, 8), "iteration", Nd4j.scalar(step)),
                new long[] {step, 0x9E3779B97F4A7C15L, -1L},
                "{\"lr\": 3e-4,\n \"name\": \"caf\u00e9\"}",
                Map.of("loss", "0.6931", "arm", "dpo"));
    }

    private static void assertSameBits(INDArray expected, INDArray actual) {
        assertEquals(expected.dataType(), actual.dataType());
        assertArrayEquals(expected.shape(), actual.shape());
        if (expected.dataType() == DataType.DOUBLE) {
            assertArrayEquals(expected.dup().data().asDouble(), actual.dup().data().asDouble(), 0.0);
        } else {
            assertArrayEquals(expected.dup().data().asFloat(), actual.dup().data().asFloat(), 0f);
        }
    }

    @Test
    void roundTripsExactly() throws IOException {
        CheckpointStore store = CheckpointStore.open(root, 0);
        Checkpoint saved = sample(42);
        Path dir = store.save(saved);
        assertEquals(root.resolve("step-00000042"), dir);

        Checkpoint loaded = store.loadLatest().orElseThrow();
        assertEquals(42, loaded.step());
        assertEquals(saved.model().keySet(), loaded.model().keySet());
        for (String name : saved.model().keySet()) {
            assertSameBits(saved.model().get(name), loaded.model().get(name));
        }
        for (String name : saved.optimizerState().keySet()) {
            assertSameBits(saved.optimizerState().get(name), loaded.optimizerState().get(name));
        }
        assertArrayEquals(new long[] {42, 0x9E3779B97F4A7C15L, -1L}, loaded.rngState());
        assertEquals(saved.configJson(), loaded.configJson());
        assertEquals(Map.of("loss", "0.6931", "arm", "dpo"), loaded.metadata());
        assertEquals(saved, loaded);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("config.json", "manifest.json", "model.bin", "optimizer.bin", "state.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void emptyStoreHasNoLatest() throws IOException {
        CheckpointStore store = CheckpointStore.open(root.resolve("nested/dir"), 3);
        assertTrue(store.loadLatest().isEmpty());
        assertTrue(store.latestStep().isEmpty());
    }

    @Test
    void keepsOnlyTheLastNAndReplacesASavedStep() throws IOException {
        CheckpointStore store = CheckpointStore.open(root, 2);
        for (long step : new long[] {1, 5, 3, 10}) {
            store.save(sample(step));
        }
        assertEquals(List.of(5L, 10L), store.steps());
        Checkpoint replacement = new Checkpoint(10, Map.of(), Map.of(), new long[0], "{}", Map.of("v", "2"));
        store.save(replacement);
        assertEquals(List.of(5L, 10L), store.steps());
        assertEquals(Map.of("v", "2"), store.load(10).metadata());
        assertEquals(List.of("step-00000005", "step-00000010"), listing(root));
    }

    @Test
    void leftoversOfACrashAreIgnoredThenCleanedAndAnInterruptedReplaceIsRestored() throws IOException {
        CheckpointStore store = CheckpointStore.open(root, 0);
        store.save(sample(1));
        store.save(sample(2));
        // a save of step 3 interrupted before its rename: a partial temp dir
        Path tmp = Files.createDirectory(root.resolve(".tmp-3-123"));
        Files.write(tmp.resolve("model.bin"), new byte[] {1, 2, 3});
        // a re-save of step 2 interrupted between its two renames
        Files.move(root.resolve("step-00000002"), root.resolve(".old-2-456"));
        Files.createDirectory(root.resolve(".del-1-789"));

        assertEquals(1, store.loadLatest().orElseThrow().step());

        CheckpointStore reopened = CheckpointStore.open(root, 0);
        assertEquals(List.of("step-00000001", "step-00000002"), listing(root));
        assertEquals(sample(2), reopened.loadLatest().orElseThrow());
    }

    @Test
    void flippedByteIsDetectedAndTheFileNamed() throws IOException {
        CheckpointStore store = CheckpointStore.open(root, 0);
        Path dir = store.save(sample(7));
        Path model = dir.resolve("model.bin");
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(model, bytes);

        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, store::loadLatest);
        assertEquals(model, e.file());
        assertTrue(e.getMessage().contains("model.bin") && e.getMessage().contains("CRC-32C"), e.getMessage());
    }

    @Test
    void truncatedOrMissingFilesAreDetected() throws IOException {
        CheckpointStore store = CheckpointStore.open(root, 0);
        Path dir = store.save(sample(8));
        Path state = dir.resolve("state.json");
        byte[] bytes = Files.readAllBytes(state);
        Files.write(state, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        CorruptCheckpointException truncated = assertThrows(CorruptCheckpointException.class, () -> store.load(8));
        assertEquals(state, truncated.file());
        assertTrue(truncated.getMessage().contains("size"), truncated.getMessage());

        Files.delete(dir.resolve("manifest.json"));
        CorruptCheckpointException missing = assertThrows(CorruptCheckpointException.class, () -> store.load(8));
        assertEquals(dir.resolve("manifest.json"), missing.file());
    }

    @Test
    void rejectsNegativeStepsAndNulls() {
        assertThrows(IllegalArgumentException.class,
                () -> new Checkpoint(-1, Map.of(), Map.of(), new long[0], "{}", Map.of()));
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> new Checkpoint(1, null, Map.of(), new long[0], "{}", Map.of()));
        assertEquals("model is null", e.getMessage());
        assertFalse(new Checkpoint(1, Map.of(), Map.of(), new long[] {1}, "{}", Map.of())
                .equals(new Checkpoint(1, Map.of(), Map.of(), new long[] {2}, "{}", Map.of())));
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
