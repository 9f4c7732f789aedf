package org.rlhf4j.engine.hf;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.api.io.DurableFiles;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.ParamNames;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.tokenizer.HuggingFaceTokenizer;
import org.rlhf4j.engine.tokenizer.Tokenizer;

/**
 * A Hugging Face GPT-2 checkpoint directory ({@code config.json}, {@code model.safetensors} or a sharded index) in and
 * out of the engine's {@link TransformerWeights}.
 *
 * <p>Names ({@code GPT2LMHeadModel}; the {@code transformer.} prefix optional on import, written on export):
 * {@code wte.weight} is {@code tok_emb}, {@code wpe.weight} {@code pos_emb}, {@code h.N.ln_1/ln_2} the layer norms,
 * {@code h.N.attn.c_attn} {@code attn.wqkv/bqkv}, {@code h.N.attn.c_proj} {@code attn.wo/bo}, {@code h.N.mlp.c_fc}
 * {@code mlp.w1/b1}, {@code h.N.mlp.c_proj} {@code mlp.w2/b2}, {@code ln_f}; {@code Conv1D} weights are stored
 * {@code [in, out]} as the engine's are. {@code lm_head.weight [V,D]} (untied models only) is the transpose of the
 * engine's {@code lm_head [D,V]}. A scalar model is {@code GPT2ForSequenceClassification} with one label:
 * {@code score.weight [1,D]}, no bias (the engine's {@code head.b} goes to {@code config.json} as
 * {@value #SCORE_BIAS_KEY}, which a reward's comparisons do not depend on). The buffers old files carry
 * ({@code h.N.attn.bias}, {@code h.N.attn.masked_bias}) are ignored.
 *
 * <p>Import checks, before any tensor is read: every tensor the configuration needs is there with the shape
 * {@code config.json} gives it, and no other tensor is; errors name the file and the tensor.
 */
public final class Gpt2Checkpoint {
    /** The {@code architectures} entry of a policy. */
    public static final String CAUSAL_LM = "GPT2LMHeadModel";
    /** The {@code architectures} entry of a scalar (reward, cost, value) model. */
    public static final String SEQUENCE_CLASSIFICATION = "GPT2ForSequenceClassification";
    /** Where the export keeps the engine's scalar-head bias. */
    public static final String SCORE_BIAS_KEY = "rlhf4j_score_bias";

    private static final String PREFIX = "transformer.";
    private static final Pattern BUFFER = Pattern.compile("h\\.\\d+\\.attn\\.(bias|masked_bias)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Gpt2Checkpoint() {}

    /** What an import gives: the weights and the configuration they came with. */
    public record Imported(TransformerWeights weights, Gpt2Config config) {}

    /**
     * Imports the checkpoint in {@code directory} as a model with {@code heads}: {@link Heads#LM} for a policy or a
     * reference, {@link Heads#SCALAR} for a scalar model (its {@code score.weight} when the checkpoint has one, else a
     * zero head on the imported backbone).
     *
     * @throws CheckpointFormatException when a file is invalid, or a tensor is missing, unexpected or of another shape
     */
    public static Imported load(Path directory, Heads heads) throws IOException {
        return load(directory, heads, Integer.MAX_VALUE);
    }

    /**
     * {@link #load(Path, Heads)} with the context cut to {@code maxSeqLen} positions when the checkpoint has more (only the
     * first {@code maxSeqLen} rows of {@code wpe} are kept: GPT-2's 1,024 positions cost memory and time a 128-token task
     * never uses; an export then writes the cut context as {@code n_positions}).
     */
    public static Imported load(Path directory, Heads heads, int maxSeqLen) throws IOException {
        requireNonNull(directory, "directory is null");
        requireNonNull(heads, "heads is null");
        if (maxSeqLen < 2) {
            throw new IllegalArgumentException("maxSeqLen must be >= 2, got " + maxSeqLen);
        }
        Path configFile = directory.resolve(Gpt2Config.FILE);
        Gpt2Config hf = Gpt2Config.read(configFile);
        TransformerConfig full = hf.toTransformerConfig();
        TransformerConfig config = new TransformerConfig(full.vocabSize(), full.dModel(), full.nHeads(), full.nLayers(),
                Math.min(full.maxSeqLen(), maxSeqLen), full.mlpRatio(), full.layerNormEps(), full.initStd(), full.tiedEmbeddings());
        Map<String, long[]> shapes = TransformerWeights.shapes(full, heads);
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(directory)) {
            Map<String, SafetensorsFile.TensorInfo> tensors = checkpoint.tensors();
            Map<String, String> byShortName = new LinkedHashMap<>();
            for (String name : tensors.keySet()) {
                String shortName = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
                if (byShortName.put(shortName, name) != null) {
                    throw new CheckpointFormatException(checkpoint.fileOf(name) + ": tensor '" + shortName + "' is there twice, with and "
                            + "without the '" + PREFIX + "' prefix");
                }
            }
            Map<String, String> wanted = new LinkedHashMap<>(); // engine name -> the file's name
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                String engineName = e.getKey();
                if (engineName.equals(ParamNames.HEAD_B) || engineName.equals(ParamNames.HEAD_W) && !byShortName.containsKey("score.weight")) {
                    continue; // no bias in a score head; a backbone without a score head gets a fresh one
                }
                String shortName = hfName(engineName);
                String actual = byShortName.get(shortName);
                if (actual == null) {
                    String expected = shortName.startsWith("lm_head") || shortName.startsWith("score") ? shortName : PREFIX + shortName;
                    throw new CheckpointFormatException(directory + ": missing tensor '" + expected + "' (" + configFile.getFileName()
                            + ": n_layer " + hf.nLayer() + ", tie_word_embeddings " + hf.tieWordEmbeddings() + ")");
                }
                long[] need = hfShape(engineName, e.getValue());
                SafetensorsFile.TensorInfo info = tensors.get(actual);
                if (!Arrays.equals(info.shape(), need)) {
                    throw new CheckpointFormatException(checkpoint.fileOf(actual) + ": tensor '" + actual + "' has shape "
                            + Arrays.toString(info.shape()) + ", but " + configFile.getFileName() + " (n_embd " + hf.nEmbd() + ", vocab_size "
                            + hf.vocabSize() + ", n_positions " + hf.nPositions() + ") needs " + Arrays.toString(need));
                }
                if (!info.dtype().loadable()) {
                    throw new CheckpointFormatException(checkpoint.fileOf(actual) + ": tensor '" + actual + "' is of type " + info.dtype()
                            + "; the engine loads F32, F16, BF16 and F64 weights");
                }
                wanted.put(engineName, actual);
            }
            List<String> used = List.copyOf(wanted.values());
            for (Map.Entry<String, String> e : byShortName.entrySet()) {
                String shortName = e.getKey();
                boolean ignorable = BUFFER.matcher(shortName).matches() || shortName.equals("lm_head.weight") && hf.tieWordEmbeddings()
                        || shortName.equals("score.weight") && !heads.hasScalar();
                if (!used.contains(e.getValue()) && !ignorable) {
                    throw new CheckpointFormatException(checkpoint.fileOf(e.getValue()) + ": unexpected tensor '" + e.getValue()
                            + "' (not a tensor of a GPT-2 model with " + configFile.getFileName() + "'s configuration)");
                }
            }
            Map<String, INDArray> params = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                String engineName = e.getKey();
                String actual = wanted.get(engineName);
                INDArray a;
                if (actual == null) {
                    a = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, e.getValue());
                } else {
                    a = checkpoint.readFloat(actual);
                    if (engineName.equals(ParamNames.LM_HEAD) || engineName.equals(ParamNames.HEAD_W)) {
                        a = a.transpose().dup('c');
                    }
                    if (engineName.equals(ParamNames.POS_EMB) && config.maxSeqLen() < full.maxSeqLen()) {
                        a = a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, config.maxSeqLen()),
                                org.nd4j.linalg.indexing.NDArrayIndex.all()).dup('c');
                    }
                }
                params.put(engineName, a);
            }
            if (heads.hasScalar() && wanted.containsKey(ParamNames.HEAD_W)) {
                params.get(ParamNames.HEAD_B).assign(JSON.readTree(configFile.toFile()).path(SCORE_BIAS_KEY).asDouble(0));
            }
            return new Imported(TransformerWeights.of(config, heads, params), hf);
        }
    }

    /**
     * The {@code tokenizer.json} of {@code directory} (with its {@code tokenizer_config.json}), its special ids defaulting
     * to {@code config}'s, checked against the model: its ids must fit {@code vocab_size}.
     *
     * @throws CheckpointFormatException when the tokenizer has more ids than the model embeds
     */
    public static HuggingFaceTokenizer tokenizer(Path directory, Gpt2Config config) throws IOException {
        requireNonNull(config, "config is null");
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.load(directory, config.bosTokenId(), config.eosTokenId());
        if (tokenizer.vocabSize() > config.vocabSize()) {
            tokenizer.close();
            throw new CheckpointFormatException(directory.resolve(HuggingFaceTokenizer.FILE) + ": its vocabulary has "
                    + tokenizer.vocabSize() + " token ids, but " + Gpt2Config.FILE + "'s vocab_size is " + config.vocabSize());
        }
        return tokenizer;
    }

    /**
     * Writes {@code weights} and {@code tokenizer} to {@code directory} as a checkpoint {@code transformers} loads:
     * {@code config.json} (the tokenizer's special ids), {@code model.safetensors}, {@code tokenizer.json} and
     * {@code tokenizer_config.json} (its special tokens, padding side and the context), as
     * {@value #CAUSAL_LM} for a model with an LM head (a scalar head beside it is left out) or
     * {@value #SEQUENCE_CLASSIFICATION} (one label) for a scalar model.
     */
    public static void write(Path directory, TransformerWeights weights, Tokenizer tokenizer) throws IOException {
        requireNonNull(tokenizer, "tokenizer is null");
        if (tokenizer.vocabSize() > weights.config().vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize() + " ids, the model " + weights.config().vocabSize());
        }
        write(directory, weights, tokenizer.bosId(), tokenizer.eosId(), tokenizer.padId());
        DurableFiles.write(directory.resolve(HuggingFaceTokenizer.FILE), tokenizer.toHuggingFaceJson());
        com.fasterxml.jackson.databind.node.ObjectNode config = JSON.createObjectNode();
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        config.put("bos_token", tokenizer.token(tokenizer.bosId()));
        config.put("eos_token", tokenizer.token(tokenizer.eosId()));
        config.put("pad_token", tokenizer.token(tokenizer.padId()));
        config.put("padding_side", tokenizer.paddingSide() == org.rlhf4j.engine.tokenizer.PaddingSide.LEFT ? "left" : "right");
        config.put("model_max_length", weights.config().maxSeqLen());
        DurableFiles.write(directory.resolve(HuggingFaceTokenizer.CONFIG_FILE),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n");
    }

    /**
     * Writes {@code weights} to {@code directory} as {@link #write(Path, TransformerWeights, Tokenizer)} does, without a
     * tokenizer, with these special ids in {@code config.json}.
     */
    public static void write(Path directory, TransformerWeights weights, int bosTokenId, int eosTokenId, int padTokenId)
            throws IOException {
        requireNonNull(directory, "directory is null");
        requireNonNull(weights, "weights is null");
        Files.createDirectories(directory);
        boolean lm = weights.heads().hasLm();
        Gpt2Config hf = Gpt2Config.of(weights.config(), bosTokenId, eosTokenId);
        com.fasterxml.jackson.databind.node.ObjectNode json = hf.toJson(lm ? CAUSAL_LM : SEQUENCE_CLASSIFICATION, padTokenId);
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        for (String name : weights.names()) {
            INDArray a = weights.get(name);
            if (name.equals(ParamNames.HEAD_B)) {
                if (!lm) {
                    json.put(SCORE_BIAS_KEY, a.getDouble(0));
                }
                continue;
            }
            if (name.equals(ParamNames.HEAD_W) && lm) {
                continue;
            }
            String shortName = hfName(name);
            boolean head = name.equals(ParamNames.LM_HEAD) || name.equals(ParamNames.HEAD_W);
            tensors.put(head ? shortName : PREFIX + shortName, head ? a.transpose() : a);
        }
        SafetensorsWriter.write(directory.resolve(SafetensorsCheckpoint.SINGLE), tensors, Map.of("format", "pt"));
        DurableFiles.write(directory.resolve(Gpt2Config.FILE),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
    }

    /** The Hugging Face name (without the {@code transformer.} prefix) of engine parameter {@code name}. */
    static String hfName(String name) {
        switch (name) {
            case ParamNames.TOK_EMB: return "wte.weight";
            case ParamNames.POS_EMB: return "wpe.weight";
            case ParamNames.LN_F_G: return "ln_f.weight";
            case ParamNames.LN_F_B: return "ln_f.bias";
            case ParamNames.LM_HEAD: return "lm_head.weight";
            case ParamNames.HEAD_W: return "score.weight";
            default: break;
        }
        int dot = name.indexOf('.');
        String layer = name.substring(1, dot);
        String suffix = name.substring(dot + 1);
        String hf = switch (suffix) {
            case "ln1.g" -> "ln_1.weight";
            case "ln1.b" -> "ln_1.bias";
            case "attn.wqkv" -> "attn.c_attn.weight";
            case "attn.bqkv" -> "attn.c_attn.bias";
            case "attn.wo" -> "attn.c_proj.weight";
            case "attn.bo" -> "attn.c_proj.bias";
            case "ln2.g" -> "ln_2.weight";
            case "ln2.b" -> "ln_2.bias";
            case "mlp.w1" -> "mlp.c_fc.weight";
            case "mlp.b1" -> "mlp.c_fc.bias";
            case "mlp.w2" -> "mlp.c_proj.weight";
            case "mlp.b2" -> "mlp.c_proj.bias";
            default -> throw new IllegalArgumentException("no Hugging Face name for " + name);
        };
        return "h." + layer + "." + hf;
    }

    private static long[] hfShape(String engineName, long[] shape) {
        boolean transposed = engineName.equals(ParamNames.LM_HEAD) || engineName.equals(ParamNames.HEAD_W);
        return transposed ? new long[] {shape[1], shape[0]} : shape;
    }
}
