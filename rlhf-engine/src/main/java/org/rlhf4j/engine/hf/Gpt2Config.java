package org.rlhf4j.engine.hf;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.rlhf4j.engine.model.TransformerConfig;

/**
 * The {@code config.json} of a Hugging Face GPT-2 checkpoint, with what the engine reads of it: {@code n_embd},
 * {@code n_layer}, {@code n_head}, {@code n_positions} ({@code n_ctx} in old files), {@code vocab_size},
 * {@code layer_norm_epsilon} (default 1e-5), {@code activation_function} ({@code gelu_new} or {@code gelu_pytorch_tanh}:
 * the tanh GELU the engine computes), {@code n_inner} (absent or a multiple of {@code n_embd}),
 * {@code tie_word_embeddings} (absent means tied) and the special token ids.
 *
 * @param nEmbd width of the residual stream
 * @param nLayer transformer blocks
 * @param nHead attention heads
 * @param nPositions learned positions (the context)
 * @param vocabSize token ids
 * @param nInner the MLP's hidden width
 * @param layerNormEpsilon every layer norm's epsilon
 * @param tieWordEmbeddings whether the LM head is the token embedding
 * @param bosTokenId the beginning-of-sequence id
 * @param eosTokenId the end-of-sequence id
 */
public record Gpt2Config(int nEmbd, int nLayer, int nHead, int nPositions, int vocabSize, int nInner, double layerNormEpsilon,
        boolean tieWordEmbeddings, int bosTokenId, int eosTokenId) {
    /** The file's name in a checkpoint directory. */
    public static final String FILE = "config.json";
    /** The {@code model_type} values the engine imports. */
    public static final List<String> SUPPORTED_MODEL_TYPES = List.of("gpt2");
    /** The {@code activation_function} values that are the engine's tanh GELU. */
    public static final List<String> SUPPORTED_ACTIVATIONS = List.of("gelu_new", "gelu_pytorch_tanh");

    private static final ObjectMapper JSON = new ObjectMapper();

    public Gpt2Config {
        if (nEmbd < 1 || nLayer < 1 || nHead < 1 || nPositions < 1 || vocabSize < 1 || nInner < 1) {
            throw new IllegalArgumentException("sizes must be positive");
        }
        if (nEmbd % nHead != 0 || nInner % nEmbd != 0) {
            throw new IllegalArgumentException("n_embd must be a multiple of n_head and n_inner of n_embd");
        }
    }

    /** The configuration of an engine model of {@code config}'s shape. */
    public static Gpt2Config of(TransformerConfig config, int bosTokenId, int eosTokenId) {
        requireNonNull(config, "config is null");
        return new Gpt2Config(config.dModel(), config.nLayers(), config.nHeads(), config.maxSeqLen(), config.vocabSize(),
                config.mlpHidden(), config.layerNormEps(), config.tiedEmbeddings(), bosTokenId, eosTokenId);
    }

    /** The engine's configuration of this model. */
    public TransformerConfig toTransformerConfig() {
        return new TransformerConfig(vocabSize, nEmbd, nHead, nLayer, nPositions, nInner / nEmbd, layerNormEpsilon, 0.02,
                tieWordEmbeddings);
    }

    /**
     * Reads {@code file}.
     *
     * @throws CheckpointFormatException when it is not JSON, names an unsupported {@code model_type} or activation, or
     *     lacks a size
     */
    public static Gpt2Config read(Path file) throws IOException {
        requireNonNull(file, "file is null");
        if (!Files.isRegularFile(file)) {
            throw new CheckpointFormatException(file + ": no such file (a checkpoint directory needs its " + FILE + ")");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        }
        catch (JsonProcessingException e) {
            throw new CheckpointFormatException(file + ": not JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointFormatException(file + ": not a JSON object");
        }
        String modelType = root.path("model_type").asText("");
        if (!SUPPORTED_MODEL_TYPES.contains(modelType)) {
            throw new CheckpointFormatException(file + ": model_type '" + modelType + "' is not supported (supported: "
                    + SUPPORTED_MODEL_TYPES + ")");
        }
        String activation = root.path("activation_function").asText("gelu_new");
        if (!SUPPORTED_ACTIVATIONS.contains(activation)) {
            throw new CheckpointFormatException(file + ": activation_function '" + activation + "' is not supported (supported: "
                    + SUPPORTED_ACTIVATIONS + ", the tanh GELU)");
        }
        if (!root.path("scale_attn_weights").asBoolean(true) || root.path("scale_attn_by_inverse_layer_idx").asBoolean(false)) {
            throw new CheckpointFormatException(file + ": only attention scaled by 1/sqrt(head dim) is supported "
                    + "(scale_attn_weights true, scale_attn_by_inverse_layer_idx false)");
        }
        int nEmbd = positive(file, root, "n_embd");
        int nHead = positive(file, root, "n_head");
        int positions = root.has("n_positions") ? positive(file, root, "n_positions") : positive(file, root, "n_ctx");
        JsonNode inner = root.get("n_inner");
        int nInner = inner == null || inner.isNull() ? 4 * nEmbd : positive(file, root, "n_inner");
        if (nEmbd % nHead != 0) {
            throw new CheckpointFormatException(file + ": n_embd " + nEmbd + " is not a multiple of n_head " + nHead);
        }
        if (nInner % nEmbd != 0) {
            throw new CheckpointFormatException(file + ": n_inner " + nInner + " is not a multiple of n_embd " + nEmbd);
        }
        double eps = root.path("layer_norm_epsilon").asDouble(1e-5);
        if (!(eps > 0)) {
            throw new CheckpointFormatException(file + ": layer_norm_epsilon must be positive");
        }
        return new Gpt2Config(nEmbd, positive(file, root, "n_layer"), nHead, positions, positive(file, root, "vocab_size"), nInner, eps,
                root.path("tie_word_embeddings").asBoolean(true), root.path("bos_token_id").asInt(50256),
                root.path("eos_token_id").asInt(50256));
    }

    private static int positive(Path file, JsonNode root, String key) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            throw new CheckpointFormatException(file + ": no '" + key + "'");
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < 1) {
            throw new CheckpointFormatException(file + ": '" + key + "' must be a positive integer, got " + node);
        }
        return node.asInt();
    }

    /**
     * This configuration as the {@code config.json} that {@code transformers} writes for {@code architecture}
     * ({@code GPT2LMHeadModel}, or {@code GPT2ForSequenceClassification} with one label and {@code padTokenId}).
     */
    public ObjectNode toJson(String architecture, int padTokenId) {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("architectures").add(architecture);
        root.put("model_type", "gpt2");
        root.put("activation_function", "gelu_new");
        root.put("n_embd", nEmbd);
        root.put("n_layer", nLayer);
        root.put("n_head", nHead);
        root.put("n_positions", nPositions);
        root.put("n_ctx", nPositions);
        if (nInner == 4 * nEmbd) {
            root.putNull("n_inner");
        } else {
            root.put("n_inner", nInner);
        }
        root.put("vocab_size", vocabSize);
        root.put("layer_norm_epsilon", layerNormEpsilon);
        root.put("tie_word_embeddings", tieWordEmbeddings);
        root.put("bos_token_id", bosTokenId);
        root.put("eos_token_id", eosTokenId);
        root.put("pad_token_id", padTokenId);
        root.put("initializer_range", 0.02);
        root.put("attn_pdrop", 0.0);
        root.put("embd_pdrop", 0.0);
        root.put("resid_pdrop", 0.0);
        root.put("summary_first_dropout", 0.0);
        root.put("scale_attn_weights", true);
        root.put("use_cache", true);
        root.put("torch_dtype", "float32");
        if (architecture.equals(Gpt2Checkpoint.SEQUENCE_CLASSIFICATION)) {
            root.putObject("id2label").put("0", "LABEL_0");
            root.putObject("label2id").put("LABEL_0", 0);
        }
        return root;
    }
}
