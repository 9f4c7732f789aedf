package org.rlhf4j.feedback.ai.cache;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persistent cache of judgements: an append-only JSON Lines file, one {@code {"key": ..., "value": ...}} per
 * judgement, read whole when opened. A rerun of the same judgements costs nothing.
 *
 * <p>Safe against a crash mid-write: lines are only ever appended, and {@link #sync()} forces them to disk (the
 * judges call it after every batch). A crash can leave at most a torn last line without its newline; the reader
 * drops it (and cuts it off the file, so the next line starts clean), and that judgement is simply made again. A
 * line that cannot be read elsewhere in the file (edited by hand) is skipped and counted, never fatal. Thread-safe.
 */
public final class JudgementCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JudgementCache.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, JsonNode> entries = new HashMap<>();
    private final FileChannel channel;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final int droppedLines;
    private boolean dirty;

    private JudgementCache(Path file, FileChannel channel, int droppedLines) {
        this.file = file;
        this.channel = channel;
        this.droppedLines = droppedLines;
    }

    /** Opens (or creates) the cache file, reading what it holds. */
    public static JudgementCache open(Path file) {
        requireNonNull(file, "file is null");
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Map<String, JsonNode> read = new HashMap<>();
            byte[] bytes = Files.readAllBytes(file);
            int dropped = 0;
            int lineStart = 0;
            long goodEnd = 0;
            for (int i = 0; i <= bytes.length; i++) {
                if (i < bytes.length && bytes[i] != '\n') {
                    continue;
                }
                boolean complete = i < bytes.length;
                String line = new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8).strip();
                if (!line.isEmpty()) {
                    Optional<Map.Entry<String, JsonNode>> entry = complete ? parse(line) : Optional.empty();
                    if (entry.isPresent()) {
                        read.put(entry.get().getKey(), entry.get().getValue());
                    }
                    else {
                        dropped++;
                        LOG.warn("Judgement cache {}: dropped an unreadable {} line {}", file, complete ? "" : "torn last",
                                excerpt(line));
                    }
                }
                if (complete) {
                    goodEnd = i + 1;
                }
                lineStart = i + 1;
            }
            if (goodEnd < bytes.length) {
                channel.truncate(goodEnd); // a torn last line: the next append starts on a line of its own
                channel.force(true);
            }
            channel.position(channel.size());
            JudgementCache cache = new JudgementCache(file, channel, dropped);
            cache.entries.putAll(read);
            return cache;
        }
        catch (IOException e) {
            throw new IllegalArgumentException("cannot open judgement cache " + file + ": " + e.getMessage(), e);
        }
    }

    private static Optional<Map.Entry<String, JsonNode>> parse(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            if (node != null && node.path("key").isTextual() && node.has("value")) {
                return Optional.of(Map.entry(node.get("key").asText(), node.get("value")));
            }
        }
        catch (IOException e) {
            // unreadable: dropped by the caller
        }
        return Optional.empty();
    }

    /** The cached judgement of {@code key}; counts a hit or a miss. */
    public synchronized Optional<JsonNode> get(String key) {
        JsonNode value = entries.get(key);
        (value == null ? misses : hits).incrementAndGet();
        return Optional.ofNullable(value);
    }

    /** Records a judgement: kept in memory and appended to the file (on disk for sure after {@link #sync()}). */
    public synchronized void put(String key, JsonNode value) {
        requireNonNull(key, "key is null");
        requireNonNull(value, "value is null");
        if (value.equals(entries.get(key))) {
            return;
        }
        entries.put(key, value);
        ObjectNode line = JSON.createObjectNode();
        line.put("key", key);
        line.set("value", value);
        try {
            ByteBuffer buffer = ByteBuffer.wrap((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            dirty = true;
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot append to judgement cache " + file, e);
        }
    }

    /** Forces what was appended to disk. */
    public synchronized void sync() {
        if (!dirty) {
            return;
        }
        try {
            channel.force(false);
            dirty = false;
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot sync judgement cache " + file, e);
        }
    }

    /** Lookups answered from the cache. */
    public long hits() {
        return hits.get();
    }

    /** Lookups the cache could not answer. */
    public long misses() {
        return misses.get();
    }

    /** Judgements held. */
    public synchronized int size() {
        return entries.size();
    }

    /** Unreadable lines dropped when the file was read (a torn last line after a crash, or a hand-edited one). */
    public int droppedLines() {
        return droppedLines;
    }

    /** The file. */
    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        try {
            sync();
        }
        finally {
            try {
                channel.close();
            }
            catch (IOException e) {
                LOG.warn("Judgement cache {}: close failed: {}", file, e.getMessage());
            }
        }
    }

    private static String excerpt(String line) {
        return line.length() > 80 ? "'" + line.substring(0, 77) + "...'" : "'" + line + "'";
    }
}
