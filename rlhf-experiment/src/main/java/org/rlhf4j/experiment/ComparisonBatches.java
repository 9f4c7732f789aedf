package org.rlhf4j.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.io.JsonLine;
import org.rlhf4j.api.io.JsonLinesReader;

/**
 * Streams a comparisons JSONL file ({@code {"prompt", "response_a", "response_b"}} per line) in batches,
 * so a malformed line fails only when reached, after the batches before it are written.
 */
final class ComparisonBatches implements AutoCloseable {
    private final JsonLinesReader reader;
    private final int batchSize;

    ComparisonBatches(Path file, int batchSize) {
        this.reader = JsonLinesReader.open(file);
        this.batchSize = batchSize;
    }

    /** The next batch, empty at the end of the file. */
    List<Comparison> next() {
        List<Comparison> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize) {
            Optional<JsonLine> line = reader.next();
            if (line.isEmpty()) {
                break;
            }
            batch.add(new Comparison(line.get().text("prompt"), line.get().text("response_a"), line.get().text("response_b")));
        }
        return batch;
    }

    @Override
    public void close() {
        reader.close();
    }
}
