package org.rlhf4j.engine.hf;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The tensors of a checkpoint directory: {@code model.safetensors}, or the shards a {@code model.safetensors.index.json}
 * names in its {@code weight_map} (tensor name to shard file). Every file is opened and validated up front, and every
 * entry of the index checked against its shard, before any tensor is read.
 */
public final class SafetensorsCheckpoint implements AutoCloseable {
    /** The single-file checkpoint's name. */
    public static final String SINGLE = "model.safetensors";
    /** The sharded checkpoint's index. */
    public static final String INDEX = "model.safetensors.index.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, SafetensorsFile> byTensor;
    private final Map<Path, SafetensorsFile> files;

    private SafetensorsCheckpoint(Map<String, SafetensorsFile> byTensor, Map<Path, SafetensorsFile> files) {
        this.byTensor = Collections.unmodifiableMap(byTensor);
        this.files = files;
    }

    /**
     * Opens the checkpoint in {@code directory}.
     *
     * @throws CheckpointFormatException when neither file is there, or a file or the index is invalid
     */
    public static SafetensorsCheckpoint open(Path directory) throws IOException {
        requireNonNull(directory, "directory is null");
        Path single = directory.resolve(SINGLE);
        Path index = directory.resolve(INDEX);
        Map<Path, SafetensorsFile> files = new LinkedHashMap<>();
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        try {
            if (Files.isRegularFile(single)) {
                SafetensorsFile file = SafetensorsFile.open(single);
                files.put(single, file);
                file.tensors().keySet().forEach(name -> byTensor.put(name, file));
            } else if (Files.isRegularFile(index)) {
                for (Map.Entry<String, String> e : weightMap(index).entrySet()) {
                    Path shard = directory.resolve(e.getValue()).normalize();
                    if (!shard.startsWith(directory.normalize()) || !Files.isRegularFile(shard)) {
                        throw new CheckpointFormatException(index + ": tensor '" + e.getKey() + "' is in '" + e.getValue()
                                + "', which is not a file of " + directory);
                    }
                    SafetensorsFile file = files.get(shard);
                    if (file == null) {
                        file = SafetensorsFile.open(shard);
                        files.put(shard, file);
                    }
                    if (!file.tensors().containsKey(e.getKey())) {
                        throw new CheckpointFormatException(index + ": tensor '" + e.getKey() + "' is in '" + e.getValue()
                                + "', which has no such tensor");
                    }
                    byTensor.put(e.getKey(), file);
                }
            } else {
                throw new CheckpointFormatException(directory + ": no " + SINGLE + " and no " + INDEX);
            }
        }
        catch (IOException | RuntimeException e) {
            for (SafetensorsFile file : files.values()) {
                file.close();
            }
            throw e;
        }
        return new SafetensorsCheckpoint(byTensor, files);
    }

    private static Map<String, String> weightMap(Path index) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(index.toFile());
        }
        catch (JsonProcessingException e) {
            throw new CheckpointFormatException(index + ": not JSON (" + e.getOriginalMessage() + ")", e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new CheckpointFormatException(index + ": no weight_map object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new CheckpointFormatException(index + ": weight_map entry '" + e.getKey() + "' is not a file name");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /** Every tensor's header entry, by name. */
    public Map<String, SafetensorsFile.TensorInfo> tensors() {
        Map<String, SafetensorsFile.TensorInfo> out = new LinkedHashMap<>();
        byTensor.forEach((name, file) -> out.put(name, file.info(name)));
        return out;
    }

    /** The file that holds tensor {@code name}. */
    public Path fileOf(String name) {
        SafetensorsFile file = byTensor.get(name);
        if (file == null) {
            throw new CheckpointFormatException("no tensor '" + name + "' in the checkpoint");
        }
        return file.file();
    }

    /** Tensor {@code name} as float ({@link SafetensorsFile#readFloat}). */
    public INDArray readFloat(String name) throws IOException {
        SafetensorsFile file = byTensor.get(name);
        if (file == null) {
            throw new CheckpointFormatException("no tensor '" + name + "' in the checkpoint");
        }
        return file.readFloat(name);
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (SafetensorsFile file : files.values()) {
            try {
                file.close();
            }
            catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
