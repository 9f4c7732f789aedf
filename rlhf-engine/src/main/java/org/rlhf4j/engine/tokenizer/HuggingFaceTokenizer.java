package org.rlhf4j.engine.tokenizer;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * A checkpoint's {@code tokenizer.json} (byte-level BPE as GPT-2's, WordLevel, any model the Rust {@code tokenizers}
 * library reads), through DJL's binding ({@code ai.djl.huggingface:tokenizers}), whose jar carries the CPU native
 * library: before the first load the binding is told to use its CPU flavour and to stay offline
 * ({@code RUST_FLAVOR=cpu}, {@code ai.djl.offline=true}), so it never looks for a CUDA build on the network.
 *
 * <p>The special tokens come from the checkpoint's files: {@code bos_token}, {@code eos_token}, {@code pad_token} and
 * {@code padding_side} of {@code tokenizer_config.json} when it is there, else the ids {@code config.json} gives
 * (GPT-2: {@code <|endoftext|>}, 50256, for both); a tokenizer without a padding token pads with its end-of-sequence id
 * (the padding is masked). Encoding never adds special tokens (the engine's {@link SequenceEncoder} adds
 * {@link #bosId()} and {@link #eosId()}) and never truncates. Thread-safe; {@link #close} frees the native tokenizer.
 */
public final class HuggingFaceTokenizer implements Tokenizer, AutoCloseable {
    /** The file's name in a checkpoint directory. */
    public static final String FILE = "tokenizer.json";
    /** The optional file of special tokens and padding side. */
    public static final String CONFIG_FILE = "tokenizer_config.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // CPU natives from the jar, never a download (DJL reads these as environment variables or system properties)
        if (System.getProperty("RUST_FLAVOR") == null && System.getenv("RUST_FLAVOR") == null) {
            System.setProperty("RUST_FLAVOR", "cpu");
        }
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    private final ai.djl.huggingface.tokenizers.HuggingFaceTokenizer native_;
    private final String json;
    private final Map<String, Integer> ids;
    private final Map<Integer, String> tokens = new HashMap<>();
    private final int vocabSize;
    private final int bos;
    private final int eos;
    private final int pad;
    private final PaddingSide side;

    private HuggingFaceTokenizer(ai.djl.huggingface.tokenizers.HuggingFaceTokenizer native_, String json, Map<String, Integer> ids,
            int vocabSize, int bos, int eos, int pad, PaddingSide side) {
        this.native_ = native_;
        this.json = json;
        this.ids = ids;
        ids.forEach((text, id) -> tokens.put(id, text));
        this.vocabSize = vocabSize;
        this.bos = bos;
        this.eos = eos;
        this.pad = pad;
        this.side = side;
    }

    /**
     * Loads {@code tokenizer.json} of {@code directory} with its {@code tokenizer_config.json} if there.
     *
     * @param defaultBos the beginning-of-sequence id when {@code tokenizer_config.json} names none (config.json's)
     * @param defaultEos the end-of-sequence id when {@code tokenizer_config.json} names none (config.json's)
     * @throws IllegalArgumentException when a file is missing or malformed, or names a special token it does not have
     */
    public static HuggingFaceTokenizer load(Path directory, int defaultBos, int defaultEos) throws IOException {
        requireNonNull(directory, "directory is null");
        Path file = directory.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file (a checkpoint directory needs its " + FILE + ")");
        }
        String text = Files.readString(file);
        JsonNode root = parse(file, text);
        Map<String, Integer> ids = new HashMap<>();
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                ids.put(e.getKey(), e.getValue().asInt());
            }
        }
        for (JsonNode added : root.path("added_tokens")) {
            ids.put(added.path("content").asText(), added.path("id").asInt());
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException(file + ": no vocabulary (model.vocab and added_tokens are empty)");
        }
        int size = ids.values().stream().mapToInt(Integer::intValue).max().getAsInt() + 1;
        Path configFile = directory.resolve(CONFIG_FILE);
        JsonNode config = Files.isRegularFile(configFile) ? parse(configFile, Files.readString(configFile)) : JSON.createObjectNode();
        int bos = special(configFile, config, "bos_token", ids).orElse(defaultBos);
        int eos = special(configFile, config, "eos_token", ids).orElse(defaultEos);
        int pad = special(configFile, config, "pad_token", ids).orElse(eos);
        PaddingSide side = "left".equals(config.path("padding_side").asText("right")) ? PaddingSide.LEFT : PaddingSide.RIGHT;
        for (int id : new int[] {bos, eos, pad}) {
            if (id < 0 || id >= size) {
                throw new IllegalArgumentException(file + ": special token id " + id + " is not among its " + size + " ids");
            }
        }
        Map<String, String> options = new HashMap<>();
        options.put("addSpecialTokens", "false");
        options.put("truncation", "false");
        options.put("padding", "false");
        ai.djl.huggingface.tokenizers.HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), options);
        }
        catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": the tokenizers library cannot read it (" + e.getMessage() + ")", e);
        }
        return new HuggingFaceTokenizer(tokenizer, text, Map.copyOf(ids), size, bos, eos, pad, side);
    }

    private static JsonNode parse(Path file, String text) {
        try {
            JsonNode root = JSON.readTree(text);
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException(file + ": not a JSON object");
            }
            return root;
        }
        catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not JSON (" + e.getOriginalMessage() + ")", e);
        }
    }

    /** The id of special token {@code key} of {@code tokenizer_config.json} (a string or {@code {"content": ...}}). */
    private static Optional<Integer> special(Path configFile, JsonNode config, String key, Map<String, Integer> ids) {
        JsonNode node = config.get(key);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        String content = node.isObject() ? node.path("content").asText() : node.asText();
        Integer id = ids.get(content);
        if (id == null) {
            throw new IllegalArgumentException(configFile + ": " + key + " '" + content + "' is not a token of " + FILE);
        }
        return Optional.of(id);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int[] encode(String text) {
        requireNonNull(text, "text is null");
        long[] raw = native_.encode(text, false, false).getIds();
        int[] out = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = Math.toIntExact(raw[i]);
        }
        return out;
    }

    @Override
    public String decode(int[] tokenIds) {
        requireNonNull(tokenIds, "tokenIds is null");
        long[] kept = new long[tokenIds.length];
        int n = 0;
        for (int i = 0; i < tokenIds.length; i++) {
            int id = tokenIds[i];
            if (i == 0 && id == bos) {
                continue; // GPT-2's <|endoftext|> opens a sequence too
            }
            if (id == eos) {
                break;
            }
            if (id != pad && id != bos) {
                kept[n++] = id;
            }
        }
        return native_.decode(java.util.Arrays.copyOf(kept, n), false);
    }

    @Override
    public String token(int id) {
        String text = tokens.get(id);
        if (text == null) {
            throw new IllegalArgumentException("token id " + id + " is not in " + FILE);
        }
        return text;
    }

    /** The id of token {@code token}, if the vocabulary has it. */
    public Optional<Integer> id(String token) {
        return Optional.ofNullable(ids.get(token));
    }

    @Override
    public int bosId() {
        return bos;
    }

    @Override
    public int eosId() {
        return eos;
    }

    @Override
    public int padId() {
        return pad;
    }

    @Override
    public PaddingSide paddingSide() {
        return side;
    }

    /** The {@code tokenizer.json} this tokenizer was read from, unchanged. */
    @Override
    public String toHuggingFaceJson() {
        return json;
    }

    @Override
    public void close() {
        native_.close();
    }

    @Override
    public String toString() {
        return "HuggingFaceTokenizer{vocabSize=" + vocabSize + ", bos=" + bos + ", eos=" + eos + ", pad=" + pad + "}";
    }
}
