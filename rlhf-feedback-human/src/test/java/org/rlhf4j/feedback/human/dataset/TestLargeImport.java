package org.rlhf4j.feedback.human.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 200 MB HH-RLHF file imports in constant memory: a child JVM with a 48 MB heap (a quarter of the file)
 * converts it to preferences JSON Lines, which it could not do holding the file.
 */
class TestLargeImport {
    private static final long SIZE = 200L * 1024 * 1024;
    private static final String HEAP = "-Xmx48m";

    @TempDir
    Path directory;

    @Test
    void a200MbFileImportsInA48MbHeap() throws Exception {
        Path dataset = directory.resolve("hh-large.jsonl");
        String filler = "lorem ipsum dolor sit amet \u00e9 ".repeat(30);
        long lines = 0;
        try (BufferedWriter writer = Files.newBufferedWriter(dataset, StandardCharsets.UTF_8)) {
            while (Files.size(dataset) < SIZE || lines == 0) {
                for (int i = 0; i < 1000; i++, lines++) {
                    String dialogue = "\\n\\nHuman: question " + lines + " " + filler + "\\n\\nAssistant:";
                    writer.write("{\"chosen\": \"" + dialogue + " good " + lines + "\", \"rejected\": \"" + dialogue + " bad\"}\n");
                }
                writer.flush();
            }
        }
        long size = Files.size(dataset);
        Path out = directory.resolve("prefs.jsonl");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, HEAP, "-cp", System.getProperty("java.class.path"),
                ImportChild.class.getName(), dataset.toString(), "hh-rlhf", out.toString());
        builder.redirectErrorStream(true);
        long started = System.nanoTime();
        Process child = builder.start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(300, TimeUnit.SECONDS));
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(0, child.exitValue(), output);
        Matcher m = Pattern.compile("written=(\\d+) skipped=(\\d+) peak_heap_bytes=(\\d+)").matcher(output);
        assertTrue(m.find(), output);
        assertEquals(lines, Long.parseLong(m.group(1)));
        assertEquals(0, Long.parseLong(m.group(2)));
        long peak = Long.parseLong(m.group(3));
        assertTrue(peak < size / 4, "peak heap " + peak + " of a " + size + " byte file");
        try (var read = Files.lines(out)) {
            assertEquals(lines, read.count());
        }
        System.out.printf("large import: %d MB HH-RLHF file (%d pairs) imported with %s in %.1f s, peak heap %.1f MB%n",
                size >> 20, lines, HEAP, seconds, peak / 1048576.0);
        Files.delete(dataset);
        Files.delete(out);
    }
}
