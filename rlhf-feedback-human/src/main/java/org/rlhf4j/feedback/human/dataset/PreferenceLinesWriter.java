package org.rlhf4j.feedback.human.dataset;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.SafetyLabel;
import org.rlhf4j.api.io.DurableFiles;

/**
 * Writes labelled comparisons as the A/B layout {@link PreferenceDatasetReader} reads: {@code prompt},
 * {@code response_a}, {@code response_b}, {@code preference} ({@code A}, {@code B} or {@code tie}), with a safety
 * label {@code safer}, {@code is_a_safe}, {@code is_b_safe}, then the provenance: {@code annotator},
 * {@code timestamp} (ISO-8601), then any extra fields. The file appears only when {@link #finish} is called (it
 * is written beside it and moved into place); closing without finishing deletes what was written.
 */
public final class PreferenceLinesWriter implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Path partial;
    private final BufferedWriter writer;
    private long written;
    private boolean finished;
    private boolean closed;

    public PreferenceLinesWriter(Path file) {
        this.file = requireNonNull(file, "file is null").toAbsolutePath();
        this.partial = this.file.resolveSibling(this.file.getFileName() + ".partial");
        try {
            Files.createDirectories(this.file.getParent());
            this.writer = Files.newBufferedWriter(partial, StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes one label; {@code extra} fields (an explanation, a pair id) follow the standard ones. */
    public void write(LabelledComparison label, ObjectNode extra) {
        ObjectNode line = JSON.createObjectNode();
        line.put("prompt", label.comparison().prompt());
        line.put("response_a", label.comparison().responseA());
        line.put("response_b", label.comparison().responseB());
        line.put("preference", text(label.better()));
        Optional<SafetyLabel> safety = label.safety();
        if (safety.isPresent()) {
            line.put("safer", text(safety.get().safer()));
            safety.get().responseASafe().ifPresent(safe -> line.put("is_a_safe", safe));
            safety.get().responseBSafe().ifPresent(safe -> line.put("is_b_safe", safe));
        }
        line.put("annotator", label.annotator());
        label.timestamp().ifPresent(time -> line.put("timestamp", time.toString()));
        if (extra != null) {
            line.setAll(extra);
        }
        try {
            writer.write(JSON.writeValueAsString(line));
            writer.write('\n');
            written++;
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Moves the complete file into place, durably ({@link DurableFiles#move}). */
    public void finish() {
        closeWriter();
        try {
            DurableFiles.move(partial, file);
            finished = true;
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** How many labels were written. */
    public long written() {
        return written;
    }

    /** {@code A}, {@code B} or {@code tie}. */
    public static String text(Choice choice) {
        return choice == Choice.TIE ? "tie" : choice.name().toUpperCase(Locale.ROOT);
    }

    /** Deletes what was written unless {@link #finish} moved it into place. */
    @Override
    public void close() {
        closeWriter();
        if (!finished) {
            try {
                Files.deleteIfExists(partial);
            }
            catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + partial + ": " + e.getMessage(), e);
            }
        }
    }

    private void closeWriter() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.close();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
