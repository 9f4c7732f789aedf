package org.rlhf4j.feedback.ai.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestJudgementCache {
    @TempDir
    Path tmp;

    @Test
    void judgementsSurviveAReopenAndCountHits() {
        Path file = tmp.resolve("sub/cache.jsonl");
        try (JudgementCache cache = JudgementCache.open(file)) {
            assertEquals(Optional.empty(), cache.get("k1"));
            cache.put("k1", TextNode.valueOf("A"));
            cache.put("k2", IntNode.valueOf(7));
            cache.sync();
            assertEquals(Optional.of(TextNode.valueOf("A")), cache.get("k1"));
            assertEquals(1, cache.hits());
            assertEquals(1, cache.misses());
        }
        try (JudgementCache cache = JudgementCache.open(file)) {
            assertEquals(2, cache.size());
            assertEquals(Optional.of(IntNode.valueOf(7)), cache.get("k2"));
            assertEquals(0, cache.droppedLines());
        }
    }

    @Test
    void aTornLastLineIsDroppedAndCutOff() throws IOException {
        Path file = tmp.resolve("cache.jsonl");
        try (JudgementCache cache = JudgementCache.open(file)) {
            cache.put("k1", TextNode.valueOf("A"));
            cache.put("k2", TextNode.valueOf("B"));
        }
        // a crash in the middle of writing the third line
        Files.writeString(file, "{\"key\":\"k3\",\"val", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (JudgementCache cache = JudgementCache.open(file)) {
            assertEquals(2, cache.size());
            assertEquals(1, cache.droppedLines());
            assertEquals(Optional.empty(), cache.get("k3"));
            cache.put("k3", TextNode.valueOf("tie"));
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size(), lines.toString());
        assertEquals("{\"key\":\"k3\",\"value\":\"tie\"}", lines.get(2));
        try (JudgementCache cache = JudgementCache.open(file)) {
            assertEquals(3, cache.size());
            assertEquals(0, cache.droppedLines());
        }
    }

    @Test
    void aBadLineInTheMiddleIsSkippedNotFatal() throws IOException {
        Path file = tmp.resolve("cache.jsonl");
        Files.writeString(file, "{\"key\":\"k1\",\"value\":\"A\"}\nnot json\n{\"key\":\"k2\",\"value\":\"B\"}\n");
        try (JudgementCache cache = JudgementCache.open(file)) {
            assertEquals(2, cache.size());
            assertEquals(1, cache.droppedLines());
        }
        assertTrue(Files.readString(file).contains("not json"), "a complete line is never cut");
    }

    @Test
    void keysSeparateTheirParts() {
        assertEquals(CacheKey.of("a", "b"), CacheKey.of("a", "b"));
        assertNotEquals(CacheKey.of("ab", "c"), CacheKey.of("a", "bc"));
        assertEquals(64, CacheKey.of("x").length());
    }
}
