package org.rlhf4j.api.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable writes and moves, and a real crash: a child JVM that rewrites one file in a loop is killed with SIGKILL at
 * random moments, and the file always holds one whole version.
 */
class TestDurableFiles {

    @Test
    void writeReplacesTheFileWholeAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("summary.json");
        DurableFiles.write(file, "first");
        DurableFiles.write(file, "second, longer");
        assertEquals("second, longer", Files.readString(file, UTF_8));
        assertFalse(Files.exists(dir.resolve("summary.json.tmp")));
        try (var entries = Files.list(dir)) {
            assertEquals(1, entries.count());
        }
    }

    @Test
    void aTemporaryFileLeftByACrashDoesNotBlockTheNextWrite(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state.bin");
        Files.write(dir.resolve("state.bin.tmp"), new byte[] {1, 2, 3});
        DurableFiles.write(file, new byte[] {9});
        assertEquals(1, Files.readAllBytes(file).length);
        assertFalse(Files.exists(dir.resolve("state.bin.tmp")));
    }

    @Test
    void writeNewRefusesAnExistingFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.bin");
        DurableFiles.writeNew(file, new byte[] {1});
        assertThrows(FileAlreadyExistsException.class, () -> DurableFiles.writeNew(file, new byte[] {2}));
        assertEquals(1, Files.readAllBytes(file)[0]);
    }

    @Test
    void moveReplacesTheTargetAcrossDirectories(@TempDir Path dir) throws IOException {
        Path partial = Files.createDirectories(dir.resolve("work")).resolve("labels.jsonl.partial");
        Path target = Files.createDirectories(dir.resolve("out")).resolve("labels.jsonl");
        Files.writeString(target, "old\n", UTF_8);
        Files.writeString(partial, "new\n", UTF_8);
        DurableFiles.move(partial, target);
        assertEquals("new\n", Files.readString(target, UTF_8));
        assertFalse(Files.exists(partial));
    }

    @Test
    void syncDirectoryOfAMissingDirectoryFails(@TempDir Path dir) {
        assertThrows(IOException.class, () -> DurableFiles.syncDirectory(dir.resolve("missing")));
    }

    /** Versions the child writes: version {@code v} is {@value #SIZE} bytes of {@code v % 251}, after a header line. */
    private static final int SIZE = 1 << 20;

    private static byte[] version(long v) {
        byte[] header = ("version " + v + "\n").getBytes(UTF_8);
        byte[] bytes = new byte[header.length + SIZE];
        System.arraycopy(header, 0, bytes, 0, header.length);
        Arrays.fill(bytes, header.length, bytes.length, (byte) (v % 251));
        return bytes;
    }

    /** The child: rewrites the file with version 1, 2, ... and prints each version once it is written. */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        for (long v = 1; ; v++) {
            DurableFiles.write(file, version(v));
            System.out.println("wrote " + v);
            System.out.flush();
        }
    }

    @Test
    void aWriterKilledAtRandomMomentsAlwaysLeavesOneWholeVersion(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("summary.bin");
        Random random = new Random(20261207L);
        long lastSeen = 0;
        for (int round = 0; round < 5; round++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), TestDurableFiles.class.getName(), file.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            AtomicLong acknowledged = new AtomicLong();
            CountDownLatch firstWrite = new CountDownLatch(1);
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        acknowledged.set(Long.parseLong(line.substring("wrote ".length())));
                        firstWrite.countDown();
                    }
                }
                catch (IOException e) {
                    // the stream closes when the child is killed
                }
            });
            reader.start();
            assertTrue(firstWrite.await(60, TimeUnit.SECONDS), "the writer wrote nothing");
            Thread.sleep(random.nextInt(300));
            child.destroyForcibly(); // SIGKILL
            assertTrue(child.waitFor(10, TimeUnit.SECONDS), "the writer did not die");
            reader.join(10_000);
            byte[] bytes = Files.readAllBytes(file);
            String header = new String(bytes, 0, Math.min(bytes.length, 32), UTF_8);
            long v = Long.parseLong(header.substring("version ".length(), header.indexOf('\n')));
            assertTrue(Arrays.equals(version(v), bytes), "round " + round + ": version " + v + " is not whole");
            assertTrue(v >= acknowledged.get(), "round " + round + ": version " + v + " after " + acknowledged.get() + " was acknowledged");
            assertTrue(v <= acknowledged.get() + 1, "round " + round + ": version " + v + " was never started");
            lastSeen = v;
        }
        assertTrue(lastSeen >= 1);
    }
}
