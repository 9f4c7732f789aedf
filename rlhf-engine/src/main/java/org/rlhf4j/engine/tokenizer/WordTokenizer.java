package org.rlhf4j.engine.tokenizer;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A word-level tokenizer: words and single punctuation marks map to ids of a fixed vocabulary, unknown
 * words map to {@link SpecialTokens#UNK_ID}. Immutable and thread-safe.
 *
 * <p>Create one with {@link TokenizerTrainer#train}, or {@link #load} a saved one.
 * {@link #decode} joins words with spaces and re-attaches punctuation, so
 * {@code decode(encode("Great phone, works well."))} is {@code "great phone, works well."}
 * (lower-cased when the tokenizer lower-cases).
 */
public final class WordTokenizer implements Tokenizer {
    /** The {@code format} value of the saved JSON. */
    public static final String FORMAT = "rlhf4j-word-tokenizer";
    /** The {@code version} value of the saved JSON. */
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> vocab;
    private final Map<String, Integer> ids;
    private final TextSplitter splitter;

    /**
     * @param vocab     tokens in id order; must start with {@link SpecialTokens#ALL} and hold no duplicates
     * @param lowercase whether input text is lower-cased before lookup
     */
    public WordTokenizer(List<String> vocab, boolean lowercase) {
        requireNonNull(vocab, "vocab is null");
        if (vocab.size() < SpecialTokens.ALL.size()
                || !vocab.subList(0, SpecialTokens.ALL.size()).equals(SpecialTokens.ALL)) {
            throw new IllegalArgumentException("vocab must start with " + SpecialTokens.ALL);
        }
        this.vocab = List.copyOf(vocab);
        this.ids = new HashMap<>(vocab.size() * 2);
        for (int i = 0; i < this.vocab.size(); i++) {
            if (ids.put(this.vocab.get(i), i) != null) {
                throw new IllegalArgumentException("duplicate token in vocab: " + this.vocab.get(i));
            }
        }
        this.splitter = new TextSplitter(lowercase);
    }

    /** Number of tokens including the special ones; the model's vocabulary size. */
    @Override
    public int vocabSize() {
        return vocab.size();
    }

    /** Whether input text is lower-cased. */
    public boolean lowercase() {
        return splitter.lowercase();
    }

    /** The tokens in id order (unmodifiable). */
    public List<String> vocab() {
        return vocab;
    }

    /** The id of {@code token}, or {@link SpecialTokens#UNK_ID} if it is not in the vocabulary. */
    public int id(String token) {
        return ids.getOrDefault(token, SpecialTokens.UNK_ID);
    }

    /** Whether {@code token} is in the vocabulary (after no further normalisation). */
    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    /** The token with id {@code id}. */
    @Override
    public String token(int id) {
        if (id < 0 || id >= vocab.size()) {
            throw new IllegalArgumentException("token id " + id + " out of range [0, " + vocab.size() + ")");
        }
        return vocab.get(id);
    }

    /** The text split into tokens (lower-cased if configured), before vocabulary lookup. */
    public List<String> tokenize(String text) {
        return splitter.split(requireNonNull(text, "text is null"));
    }

    /** Encodes {@code text} without special tokens; unknown words become {@link SpecialTokens#UNK_ID}. */
    @Override
    public int[] encode(String text) {
        return encode(text, false, false);
    }

    /** Encodes {@code text}, optionally preceded by {@code <bos>} and followed by {@code <eos>}. */
    @Override
    public int[] encode(String text, boolean addBos, boolean addEos) {
        List<String> tokens = tokenize(text);
        int[] out = new int[tokens.size() + (addBos ? 1 : 0) + (addEos ? 1 : 0)];
        int i = 0;
        if (addBos) {
            out[i++] = SpecialTokens.BOS_ID;
        }
        for (String token : tokens) {
            out[i++] = id(token);
        }
        if (addEos) {
            out[i] = SpecialTokens.EOS_ID;
        }
        return out;
    }

    /**
     * Decodes ids to text. {@code <pad>} and {@code <bos>} are skipped, decoding stops at the first
     * {@code <eos>}, and {@code <unk>} is written as {@code <unk>}.
     */
    @Override
    public String decode(int[] tokenIds) {
        requireNonNull(tokenIds, "tokenIds is null");
        List<String> tokens = new ArrayList<>(tokenIds.length);
        for (int id : tokenIds) {
            if (id == SpecialTokens.EOS_ID) {
                break;
            }
            if (id != SpecialTokens.PAD_ID && id != SpecialTokens.BOS_ID) {
                tokens.add(token(id));
            }
        }
        return TextSplitter.join(tokens);
    }

    /**
     * Encodes several texts into one padded batch of {@code seqLen} columns. Texts longer than
     * {@code seqLen} (special tokens included) are truncated at the end, so a truncated text loses
     * its {@code <eos>}.
     */
    public TokenBatch encodeBatch(List<String> texts, int seqLen, boolean addBos, boolean addEos, PaddingSide side) {
        requireNonNull(texts, "texts is null");
        requireNonNull(side, "side is null");
        if (seqLen < 1) {
            throw new IllegalArgumentException("seqLen must be >= 1, got " + seqLen);
        }
        int[][] batchIds = new int[texts.size()][seqLen];
        int[][] mask = new int[texts.size()][seqLen];
        int[] lengths = new int[texts.size()];
        for (int b = 0; b < texts.size(); b++) {
            int[] row = encode(texts.get(b), addBos, addEos);
            int n = Math.min(row.length, seqLen);
            int offset = side == PaddingSide.LEFT ? seqLen - n : 0;
            System.arraycopy(row, 0, batchIds[b], offset, n);
            Arrays.fill(mask[b], offset, offset + n, 1);
            lengths[b] = n;
        }
        return new TokenBatch(batchIds, mask, lengths, side);
    }

    @Override
    public int bosId() {
        return SpecialTokens.BOS_ID;
    }

    @Override
    public int eosId() {
        return SpecialTokens.EOS_ID;
    }

    @Override
    public int padId() {
        return SpecialTokens.PAD_ID;
    }

    /**
     * This vocabulary as a Hugging Face {@code tokenizer.json} that encodes text to the same ids: a {@code WordLevel}
     * model with {@code <unk>}, a {@code Lowercase} normalizer when this tokenizer lower-cases, and a {@code Split}
     * pre-tokenizer keeping the matches of {@link TextSplitter}'s pattern (the rest, white space, removed); the special
     * tokens as added tokens. No post-processor: {@code <bos>} and {@code <eos>} are added by the caller, as here.
     */
    @Override
    public String toHuggingFaceJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < SpecialTokens.ALL.size(); i++) {
            ObjectNode t = added.addObject();
            t.put("id", i);
            t.put("content", SpecialTokens.ALL.get(i));
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        if (lowercase()) {
            root.putObject("normalizer").put("type", "Lowercase");
        } else {
            root.putNull("normalizer");
        }
        ObjectNode split = root.putObject("pre_tokenizer");
        split.put("type", "Split");
        split.putObject("pattern").put("Regex", TextSplitter.PATTERN);
        split.put("behavior", "Removed");
        split.put("invert", true);
        root.putNull("post_processor");
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode map = model.putObject("vocab");
        for (int i = 0; i < vocab.size(); i++) {
            map.put(vocab.get(i), i);
        }
        model.put("unk_token", SpecialTokens.UNK);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This tokenizer as JSON; identical tokenizers give byte-identical text (with {@code \n} line ends). */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("lowercase", lowercase());
        ArrayNode specials = root.putArray("special_tokens");
        SpecialTokens.ALL.forEach(specials::add);
        ArrayNode tokens = root.putArray("vocab");
        vocab.forEach(tokens::add);
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(indenter);
        printer.indentArraysWith(indenter);
        try {
            return JSON.writer(printer).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses the output of {@link #toJson()}. */
    public static WordTokenizer fromJson(String json) {
        requireNonNull(json, "json is null");
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a tokenizer JSON: " + e.getOriginalMessage(), e);
        }
        if (!FORMAT.equals(root.path("format").asText()) || root.path("version").asInt() != VERSION) {
            throw new IllegalArgumentException("not a " + FORMAT + " version " + VERSION + " JSON");
        }
        JsonNode specials = root.path("special_tokens");
        List<String> specialList = new ArrayList<>();
        specials.forEach(n -> specialList.add(n.asText()));
        if (!specialList.equals(SpecialTokens.ALL)) {
            throw new IllegalArgumentException("special_tokens must be " + SpecialTokens.ALL + ", got " + specialList);
        }
        List<String> tokens = new ArrayList<>();
        root.path("vocab").forEach(n -> tokens.add(n.asText()));
        return new WordTokenizer(tokens, root.path("lowercase").asBoolean(true));
    }

    /** Writes {@link #toJson()} to {@code file} as UTF-8. */
    public void save(Path file) throws IOException {
        requireNonNull(file, "file is null");
        Files.writeString(file, toJson(), StandardCharsets.UTF_8);
    }

    /** Reads a tokenizer written by {@link #save}. */
    public static WordTokenizer load(Path file) throws IOException {
        requireNonNull(file, "file is null");
        return fromJson(Files.readString(file, StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WordTokenizer other && lowercase() == other.lowercase() && vocab.equals(other.vocab);
    }

    @Override
    public int hashCode() {
        return vocab.hashCode() * 31 + Boolean.hashCode(lowercase());
    }

    @Override
    public String toString() {
        return "WordTokenizer{vocabSize=" + vocab.size() + ", lowercase=" + lowercase() + "}";
    }
}
