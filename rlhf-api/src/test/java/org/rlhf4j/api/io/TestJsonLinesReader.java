package org.rlhf4j.api.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestJsonLinesReader {
    @TempDir
    Path directory;

    @Test
    void readsObjectsWithTheirLineNumbersSkippingBlankLines() throws IOException {
        Path file = directory.resolve("d.jsonl");
        Files.writeString(file, "{\"a\": \"x\"}\n\n{\"a\": \"y\", \"ok\": true}\n");
        List<JsonLine> lines = JsonLinesReader.readAll(file);
        assertEquals(2, lines.size());
        assertEquals(1, lines.get(0).number());
        assertEquals(3, lines.get(1).number());
        assertEquals("y", lines.get(1).text("a"));
        assertEquals(Optional.of(true), lines.get(1).optionalBoolean("ok"));
        DataFormatException missing = assertThrows(DataFormatException.class, () -> lines.get(0).text("b"));
        assertEquals(file + ":1: missing string field 'b'", missing.getMessage());
    }

    @Test
    void malformedLinesNameFileAndLine() throws IOException {
        Path file = directory.resolve("bad.jsonl");
        Files.writeString(file, "{\"a\": 1}\n{\"a\": 2\n[1]\n");
        try (JsonLinesReader reader = JsonLinesReader.open(file)) {
            assertEquals(1, reader.next().orElseThrow().number());
            DataFormatException e = assertThrows(DataFormatException.class, reader::next);
            assertEquals(2, e.line());
            assertTrue(e.getMessage().startsWith(file + ":2: not valid JSON"), e.getMessage());
            DataFormatException array = assertThrows(DataFormatException.class, reader::next);
            assertEquals(file + ":3: expected a JSON object, got [1]", array.getMessage());
        }
    }
}
