package org.rlhf4j.engine.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.Nd4jForward;
import org.rlhf4j.engine.model.ParamNames;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.random.Rng;

/** GPT-2 checkpoints in Hugging Face's layout: export then import is bit-exact, the names and shapes are the Hub's, bad files are clear errors. */
class TestGpt2Checkpoint {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TransformerConfig SMALL = TransformerConfig.of(37, 16, 2, 2, 12);

    @TempDir
    Path dir;

    /** Random weights with non-trivial layer norms and biases. */
    static TransformerWeights weights(TransformerConfig config, Heads heads, long seed) {
        TransformerWeights w = TransformerWeights.init(config, heads, new Rng(seed));
        Rng rng = new Rng(seed + 1);
        w.asMap().values().forEach(a -> {
            if (a.rank() == 1) {
                for (long i = 0; i < a.length(); i++) {
                    a.putScalar(i, a.getDouble(i) + 0.2 * rng.nextGaussian());
                }
            }
        });
        return w;
    }

    @Test
    void exportThenImportIsBitExactTiedUntiedAndScalar() throws IOException {
        for (TransformerConfig config : new TransformerConfig[] {SMALL.withTiedEmbeddings(true), SMALL}) {
            TransformerWeights w = weights(config, Heads.LM, 3);
            Path out = dir.resolve("lm-" + config.tiedEmbeddings());
            Gpt2Checkpoint.write(out, w, 1, 2, 0);
            Gpt2Checkpoint.Imported back = Gpt2Checkpoint.load(out, Heads.LM);
            assertEquals(config, back.weights().config());
            assertEquals(w.names(), back.weights().names());
            for (String name : w.names()) {
                assertEquals(w.get(name), back.weights().get(name), name);
            }
            try (SafetensorsFile file = SafetensorsFile.open(out.resolve("model.safetensors"))) {
                assertArrayEquals(new long[] {37, 16}, file.info("transformer.wte.weight").shape());
                assertArrayEquals(new long[] {16, 48}, file.info("transformer.h.1.attn.c_attn.weight").shape());
                assertArrayEquals(new long[] {64, 16}, file.info("transformer.h.0.mlp.c_proj.weight").shape());
                assertEquals(!config.tiedEmbeddings(), file.tensors().containsKey("lm_head.weight"));
                assertEquals(w.numParams(), file.tensors().values().stream().mapToLong(SafetensorsFile.TensorInfo::elements).sum());
            }
            ObjectNode json = (ObjectNode) JSON.readTree(out.resolve("config.json").toFile());
            assertEquals("GPT2LMHeadModel", json.get("architectures").get(0).asText());
            assertEquals(config.tiedEmbeddings(), json.get("tie_word_embeddings").asBoolean());
        }
        TransformerWeights scalar = weights(SMALL, Heads.SCALAR, 5);
        scalar.get(ParamNames.HEAD_B).assign(0.375);
        Path out = dir.resolve("rm");
        Gpt2Checkpoint.write(out, scalar, 1, 2, 0);
        try (SafetensorsFile file = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            assertArrayEquals(new long[] {1, 16}, file.info("score.weight").shape());
        }
        ObjectNode json = (ObjectNode) JSON.readTree(out.resolve("config.json").toFile());
        assertEquals("GPT2ForSequenceClassification", json.get("architectures").get(0).asText());
        assertEquals(1, json.get("id2label").size(), "one label");
        TransformerWeights back = Gpt2Checkpoint.load(out, Heads.SCALAR).weights();
        for (String name : scalar.names()) {
            assertEquals(scalar.get(name), back.get(name), name);
        }
    }

    @Test
    void theImportedModelGivesTheEngineModelsLogProbs() throws IOException {
        TransformerWeights w = weights(SMALL.withTiedEmbeddings(true), Heads.LM, 7);
        Gpt2Checkpoint.write(dir, w, 1, 2, 0);
        TransformerWeights imported = Gpt2Checkpoint.load(dir, Heads.LM).weights();
        int[][] ids = {{1, 5, 9, 30, 2, 7}, {1, 36, 0, 4, 4, 11}};
        int[][] targets = {{5, 9, 30, 2, 7, 3}, {36, 0, 4, 4, 11, 12}};
        try (Nd4jForward own = new Nd4jForward(w, 1); Nd4jForward hf = new Nd4jForward(imported, 1)) {
            float[][] a = own.tokenLogProbs(ids, targets);
            float[][] b = hf.tokenLogProbs(ids, targets);
            for (int i = 0; i < a.length; i++) {
                assertArrayEquals(a[i], b[i], 0f, "row " + i);
            }
        }
    }

    @Test
    void hubFilesWithoutThePrefixWithBuffersOrShardedImport() throws IOException {
        TransformerWeights w = weights(SMALL.withTiedEmbeddings(true), Heads.LM, 9);
        Gpt2Checkpoint.write(dir.resolve("ref"), w, 1, 2, 0);
        Map<String, INDArray> tensors = readAll(dir.resolve("ref/model.safetensors"));
        // no 'transformer.' prefix, the old causal-mask buffers, split over two shards with an index
        Path hub = dir.resolve("hub");
        Files.createDirectories(hub);
        Files.copy(dir.resolve("ref/config.json"), hub.resolve("config.json"));
        Map<String, INDArray> first = new LinkedHashMap<>();
        Map<String, INDArray> second = new LinkedHashMap<>();
        StringBuilder index = new StringBuilder("{\"metadata\": {\"total_size\": 0}, \"weight_map\": {");
        int i = 0;
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            String name = e.getKey().replace("transformer.", "");
            String shard = i++ % 2 == 0 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
            (shard.startsWith("model-00001") ? first : second).put(name, e.getValue());
            index.append(i > 1 ? ", " : "").append('"').append(name).append("\": \"").append(shard).append('"');
        }
        first.put("h.0.attn.bias", Nd4j.ones(DataType.FLOAT, 1, 1, 12, 12));
        first.put("h.0.attn.bias_placeholder_shard", Nd4j.ones(DataType.FLOAT, 1)); // not in the index: never looked at
        second.put("h.1.attn.masked_bias", Nd4j.scalar(-1e4f).reshape(1));
        index.append(", \"h.0.attn.bias\": \"model-00001-of-00002.safetensors\", \"h.1.attn.masked_bias\": \"model-00002-of-00002.safetensors\"}}");
        SafetensorsWriter.write(hub.resolve("model-00001-of-00002.safetensors"), first, Map.of());
        SafetensorsWriter.write(hub.resolve("model-00002-of-00002.safetensors"), second, Map.of());
        Files.writeString(hub.resolve("model.safetensors.index.json"), index.toString());
        TransformerWeights back = Gpt2Checkpoint.load(hub, Heads.LM).weights();
        for (String name : w.names()) {
            assertEquals(w.get(name), back.get(name), name);
        }
        // a policy checkpoint as the backbone of a scalar model: a zero score head on the imported backbone
        TransformerWeights rm = Gpt2Checkpoint.load(hub, Heads.SCALAR).weights();
        assertEquals(w.get("h1.mlp.w2"), rm.get("h1.mlp.w2"));
        assertEquals(0, rm.get(ParamNames.HEAD_W).amaxNumber().doubleValue());
        assertFalse(rm.has(ParamNames.LM_HEAD));
    }

    @Test
    void aShapeThatDoesNotMatchConfigJsonIsRejected() throws IOException {
        Gpt2Checkpoint.write(dir, weights(SMALL.withTiedEmbeddings(true), Heads.LM, 11), 1, 2, 0);
        editConfig(c -> c.put("vocab_size", 40));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Gpt2Checkpoint.load(dir, Heads.LM));
        assertEquals(dir.resolve("model.safetensors") + ": tensor 'transformer.wte.weight' has shape [37, 16], but config.json "
                + "(n_embd 16, vocab_size 40, n_positions 12) needs [40, 16]", e.getMessage());
    }

    @Test
    void aMissingTensorIsRejected() throws IOException {
        Gpt2Checkpoint.write(dir.resolve("ref"), weights(SMALL.withTiedEmbeddings(true), Heads.LM, 13), 1, 2, 0);
        Map<String, INDArray> tensors = readAll(dir.resolve("ref/model.safetensors"));
        tensors.remove("transformer.h.1.ln_2.bias");
        Files.copy(dir.resolve("ref/config.json"), dir.resolve("config.json"));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of());
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Gpt2Checkpoint.load(dir, Heads.LM));
        assertEquals(dir + ": missing tensor 'transformer.h.1.ln_2.bias' (config.json: n_layer 2, tie_word_embeddings true)",
                e.getMessage());
        editConfig(c -> c.put("tie_word_embeddings", false)); // an untied model needs lm_head.weight
        tensors.put("transformer.h.1.ln_2.bias", Nd4j.zeros(DataType.FLOAT, 16));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of());
        e = assertThrows(CheckpointFormatException.class, () -> Gpt2Checkpoint.load(dir, Heads.LM));
        assertEquals(dir + ": missing tensor 'lm_head.weight' (config.json: n_layer 2, tie_word_embeddings false)", e.getMessage());
    }

    @Test
    void anUnexpectedTensorIsRejected() throws IOException {
        Gpt2Checkpoint.write(dir, weights(SMALL.withTiedEmbeddings(true), Heads.LM, 15), 1, 2, 0);
        editConfig(c -> c.put("n_layer", 1));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Gpt2Checkpoint.load(dir, Heads.LM));
        assertTrue(e.getMessage().startsWith(dir.resolve("model.safetensors") + ": unexpected tensor 'transformer.h.1."), e.getMessage());
    }

    @Test
    void anUnsupportedModelTypeOrActivationIsRejectedWithTheSupportedList() throws IOException {
        Gpt2Checkpoint.write(dir, weights(SMALL, Heads.LM, 17), 1, 2, 0);
        editConfig(c -> c.put("model_type", "llama"));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Gpt2Checkpoint.load(dir, Heads.LM));
        assertEquals(dir.resolve("config.json") + ": model_type 'llama' is not supported (supported: [gpt2])", e.getMessage());
        editConfig(c -> c.put("model_type", "gpt2").put("activation_function", "relu"));
        e = assertThrows(CheckpointFormatException.class, () -> Gpt2Checkpoint.load(dir, Heads.LM));
        assertEquals(dir.resolve("config.json") + ": activation_function 'relu' is not supported (supported: [gelu_new, "
                + "gelu_pytorch_tanh], the tanh GELU)", e.getMessage());
        editConfig(c -> c.put("activation_function", "gelu_new").remove("n_embd"));
        e = assertThrows(CheckpointFormatException.class, () -> Gpt2Checkpoint.load(dir, Heads.LM));
        assertEquals(dir.resolve("config.json") + ": no 'n_embd'", e.getMessage());
        Files.delete(dir.resolve("config.json"));
        e = assertThrows(CheckpointFormatException.class, () -> Gpt2Checkpoint.load(dir, Heads.LM));
        assertEquals(dir.resolve("config.json") + ": no such file (a checkpoint directory needs its config.json)", e.getMessage());
    }

    private void editConfig(java.util.function.Consumer<ObjectNode> edit) throws IOException {
        ObjectNode json = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        edit.accept(json);
        Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(json));
    }

    static Map<String, INDArray> readAll(Path file) throws IOException {
        Map<String, INDArray> out = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.tensors().keySet()) {
                out.put(name, f.readFloat(name));
            }
        }
        return out;
    }
}
