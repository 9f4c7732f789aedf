package org.rlhf4j.engine.checkpoint;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.api.io.DurableFiles;

/**
 * Saves and loads {@link Checkpoint}s under a root directory, crash-safely.
 *
 * <h2>Layout</h2>
 * One directory per checkpoint, {@code <root>/step-00000042/}, holding {@code model.bin} and
 * {@code optimizer.bin} ({@link ArrayCodec} format), {@code state.json} (step, RNG state, metadata),
 * {@code config.json} (the config text as given) and {@code manifest.json} (size and CRC-32C of every
 * other file), written last.
 *
 * <h2>Why a crash never leaves a half checkpoint</h2>
 * {@link #save} writes everything into {@code <root>/.tmp-<step>-<nanos>/}, forces each file and the
 * directory to disk, then renames the directory to {@code step-<%08d>} with an atomic move and forces
 * the root directory. A {@code step-*} directory therefore appears complete or not at all. Re-saving an
 * existing step first renames the old directory to {@code .old-*}; retention renames directories to
 * {@code .del-*} before deleting them. The latest checkpoint is the highest {@code step-*} directory
 * (no separate pointer to keep in sync); hidden {@code .tmp-*}, {@code .old-*} and {@code .del-*}
 * leftovers of a crash are ignored by loading and cleaned up by {@link #open}. Loading verifies the
 * manifest, so damage after the fact (a flipped byte, a truncated file) raises a
 * {@link CorruptCheckpointException} naming the file instead of loading bad state.
 *
 * <p>One writer per root at a time; instances are not thread-safe.
 */
public final class CheckpointStore {
    /** The {@code format} value of {@code manifest.json}. */
    public static final String FORMAT = "rlhf4j-checkpoint";
    /** The {@code version} value of {@code manifest.json}. */
    public static final int VERSION = 1;

    static final String MODEL_FILE = "model.bin";
    static final String OPTIMIZER_FILE = "optimizer.bin";
    static final String STATE_FILE = "state.json";
    static final String CONFIG_FILE = "config.json";
    static final String MANIFEST_FILE = "manifest.json";

    private static final Pattern STEP_DIR = Pattern.compile("step-(\\d{8,19})");
    private static final Pattern LEFTOVER = Pattern.compile("\\.(tmp|old|del)-(\\d+)-\\d+");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;
    private final int keepLast;

    private CheckpointStore(Path root, int keepLast) {
        this.root = root;
        this.keepLast = keepLast;
    }

    /**
     * Opens (creating it if needed) a checkpoint root and removes leftovers of interrupted saves.
     *
     * @param keepLast how many of the newest checkpoints {@link #save} keeps; 0 keeps all
     */
    public static CheckpointStore open(Path root, int keepLast) throws IOException {
        requireNonNull(root, "root is null");
        if (keepLast < 0) {
            throw new IllegalArgumentException("keepLast must be >= 0, got " + keepLast);
        }
        Files.createDirectories(root);
        CheckpointStore store = new CheckpointStore(root, keepLast);
        store.removeLeftovers();
        return store;
    }

    /** The root directory. */
    public Path root() {
        return root;
    }

    /** The directory a checkpoint of {@code step} lives in. */
    public Path directory(long step) {
        return root.resolve(String.format("step-%08d", step));
    }

    /** Steps of the complete checkpoints present, ascending. */
    public List<Long> steps() throws IOException {
        List<Long> steps = new ArrayList<>();
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                Matcher m = STEP_DIR.matcher(child.getFileName().toString());
                if (m.matches() && Files.isDirectory(child)) {
                    steps.add(Long.parseLong(m.group(1)));
                }
            }
        }
        steps.sort(Comparator.naturalOrder());
        return steps;
    }

    /** The newest step, if any checkpoint exists. */
    public OptionalLong latestStep() throws IOException {
        List<Long> steps = steps();
        return steps.isEmpty() ? OptionalLong.empty() : OptionalLong.of(steps.get(steps.size() - 1));
    }

    /**
     * Loads the newest checkpoint.
     *
     * @return empty if there is none
     * @throws CorruptCheckpointException if the newest checkpoint fails verification (it is not skipped:
     *     silent fallback to older state would hide damage)
     */
    public Optional<Checkpoint> loadLatest() throws IOException {
        OptionalLong latest = latestStep();
        return latest.isPresent() ? Optional.of(load(latest.getAsLong())) : Optional.empty();
    }

    /** Loads and verifies the checkpoint of {@code step}. */
    public Checkpoint load(long step) throws IOException {
        Path dir = directory(step);
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no checkpoint for step " + step);
        }
        Checkpoint checkpoint = read(dir);
        if (checkpoint.step() != step) {
            throw new CorruptCheckpointException(dir.resolve(STATE_FILE),
                    "holds step " + checkpoint.step() + " but lives in " + dir.getFileName());
        }
        return checkpoint;
    }

    /**
     * Writes {@code checkpoint} atomically as {@link #directory(long) step-<step>}, replacing an existing
     * checkpoint of the same step, then deletes the oldest checkpoints beyond {@code keepLast}.
     *
     * @return the checkpoint's directory
     */
    public Path save(Checkpoint checkpoint) throws IOException {
        requireNonNull(checkpoint, "checkpoint is null");
        long step = checkpoint.step();
        Path tmp = root.resolve(".tmp-" + step + "-" + System.nanoTime());
        Files.createDirectory(tmp);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(MODEL_FILE, arrays(checkpoint.model()));
        files.put(OPTIMIZER_FILE, arrays(checkpoint.optimizerState()));
        files.put(STATE_FILE, stateJson(checkpoint));
        files.put(CONFIG_FILE, checkpoint.configJson().getBytes(StandardCharsets.UTF_8));
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format", FORMAT);
        manifest.put("version", VERSION);
        manifest.put("step", step);
        ArrayNode list = manifest.putArray("files");
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            DurableFiles.writeNew(tmp.resolve(file.getKey()), file.getValue());
            list.addObject()
                    .put("name", file.getKey())
                    .put("size", file.getValue().length)
                    .put("crc32c", crc(file.getValue()));
        }
        DurableFiles.writeNew(tmp.resolve(MANIFEST_FILE), (JSON.writeValueAsString(manifest) + "\n").getBytes(StandardCharsets.UTF_8));
        DurableFiles.syncDirectory(tmp);

        Path target = directory(step);
        Path old = null;
        if (Files.exists(target)) {
            old = root.resolve(".old-" + step + "-" + System.nanoTime());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.syncDirectory(root);
        if (old != null) {
            deleteRecursively(old);
        }
        applyRetention();
        return target;
    }

    /** Deletes every checkpoint but the newest {@code keepLast} (none if {@code keepLast} is 0). */
    private void applyRetention() throws IOException {
        if (keepLast == 0) {
            return;
        }
        List<Long> steps = steps();
        for (int i = 0; i < steps.size() - keepLast; i++) {
            Path doomed = root.resolve(".del-" + steps.get(i) + "-" + System.nanoTime());
            Files.move(directory(steps.get(i)), doomed, StandardCopyOption.ATOMIC_MOVE);
            deleteRecursively(doomed);
        }
        DurableFiles.syncDirectory(root);
    }

    /** Reads and verifies the checkpoint directory {@code dir} (any name). */
    public static Checkpoint read(Path dir) throws IOException {
        requireNonNull(dir, "dir is null");
        Path manifestFile = dir.resolve(MANIFEST_FILE);
        if (!Files.isRegularFile(manifestFile)) {
            throw new CorruptCheckpointException(manifestFile, "missing (the checkpoint is incomplete)");
        }
        JsonNode manifest;
        try {
            manifest = JSON.readTree(Files.readAllBytes(manifestFile));
        } catch (IOException e) {
            throw new CorruptCheckpointException(manifestFile, "unreadable JSON: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(manifest.path("format").asText()) || manifest.path("version").asInt() != VERSION) {
            throw new CorruptCheckpointException(manifestFile, "not a " + FORMAT + " version " + VERSION + " manifest");
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (JsonNode entry : manifest.path("files")) {
            String name = entry.path("name").asText();
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new CorruptCheckpointException(file, "missing");
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length != entry.path("size").asLong()) {
                throw new CorruptCheckpointException(file,
                        "size " + bytes.length + " bytes, manifest says " + entry.path("size").asLong());
            }
            if (!crc(bytes).equals(entry.path("crc32c").asText())) {
                throw new CorruptCheckpointException(file,
                        "CRC-32C " + crc(bytes) + " does not match the manifest's " + entry.path("crc32c").asText());
            }
            files.put(name, bytes);
        }
        for (String required : List.of(MODEL_FILE, OPTIMIZER_FILE, STATE_FILE, CONFIG_FILE)) {
            if (!files.containsKey(required)) {
                throw new CorruptCheckpointException(manifestFile, "does not list " + required);
            }
        }
        Map<String, INDArray> model = parseArrays(dir.resolve(MODEL_FILE), files.get(MODEL_FILE));
        Map<String, INDArray> optimizer = parseArrays(dir.resolve(OPTIMIZER_FILE), files.get(OPTIMIZER_FILE));
        Path stateFile = dir.resolve(STATE_FILE);
        try {
            JsonNode state = JSON.readTree(files.get(STATE_FILE));
            long[] rng = new long[state.path("rng_state").size()];
            for (int i = 0; i < rng.length; i++) {
                rng[i] = state.path("rng_state").get(i).asLong();
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            state.path("metadata").fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
            long step = state.path("step").asLong();
            if (step != manifest.path("step").asLong()) {
                throw new CorruptCheckpointException(stateFile, "step " + step + " differs from the manifest's");
            }
            return new Checkpoint(step, model, optimizer, rng,
                    new String(files.get(CONFIG_FILE), StandardCharsets.UTF_8), metadata);
        } catch (CorruptCheckpointException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CorruptCheckpointException(stateFile, "unreadable: " + e.getMessage(), e);
        }
    }

    private static Map<String, INDArray> parseArrays(Path file, byte[] bytes) throws CorruptCheckpointException {
        try {
            return ArrayCodec.read(bytes);
        } catch (IOException | RuntimeException e) {
            throw new CorruptCheckpointException(file, "unreadable arrays: " + e.getMessage(), e);
        }
    }

    private static byte[] arrays(Map<String, INDArray> arrays) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArrayCodec.write(arrays, out);
        return out.toByteArray();
    }

    private static byte[] stateJson(Checkpoint checkpoint) throws IOException {
        ObjectNode state = JSON.createObjectNode();
        state.put("step", checkpoint.step());
        ArrayNode rng = state.putArray("rng_state");
        for (long value : checkpoint.rngState()) {
            rng.add(value);
        }
        ObjectNode metadata = state.putObject("metadata");
        checkpoint.metadata().forEach(metadata::put);
        return (JSON.writeValueAsString(state) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return String.format("%08x", crc.getValue());
    }



    /**
     * Cleans up after a crash: deletes {@code .tmp-*} and {@code .del-*} directories, and for each
     * {@code .old-<step>-*} either moves it back to {@code step-<step>} (the crash came between the two
     * renames of a re-save, so it is the only copy of that step) or deletes it.
     */
    private void removeLeftovers() throws IOException {
        List<Path> leftovers = new ArrayList<>();
        try (Stream<Path> children = Files.list(root)) {
            children.filter(p -> LEFTOVER.matcher(p.getFileName().toString()).matches()).sorted().forEach(leftovers::add);
        }
        for (Path leftover : leftovers) {
            Matcher m = LEFTOVER.matcher(leftover.getFileName().toString());
            if (m.matches() && m.group(1).equals("old") && !Files.exists(directory(Long.parseLong(m.group(2))))) {
                Files.move(leftover, directory(Long.parseLong(m.group(2))), StandardCopyOption.ATOMIC_MOVE);
                DurableFiles.syncDirectory(root);
            } else {
                deleteRecursively(leftover);
            }
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(path)) {
            all = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }
}
