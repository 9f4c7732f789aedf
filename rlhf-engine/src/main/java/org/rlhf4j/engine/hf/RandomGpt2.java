package org.rlhf4j.engine.hf;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhf4j.api.io.DurableFiles;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.tokenizer.HuggingFaceTokenizer;

/**
 * A random-weight GPT-2 checkpoint in the Hub's layout, written by the project itself, so that a checkpoint of GPT-2's
 * shape can be imported, trained, timed and exported offline: {@code config.json}, {@code model.safetensors} (the
 * engine's initialisation, std 0.02, tied embeddings) and a byte-level BPE {@code tokenizer.json} of the same vocabulary
 * size (GPT-2's format: the 256 byte symbols, then merges of two byte symbols, then {@code <|endoftext|>} last; real
 * BPE, though its merges are not GPT-2's, so text encodes to about one id per two characters). Not a language model:
 * the weights are random.
 */
public final class RandomGpt2 {
    /** The shapes, by name: {@code gpt2-small} is GPT-2 small (124M parameters), {@code tiny} a few hundred thousand. */
    public static final Map<String, Gpt2Config> SHAPES = shapes();
    /** GPT-2's end-of-text token. */
    public static final String END_OF_TEXT = "<|endoftext|>";

    private static final ObjectMapper JSON = new ObjectMapper();

    private RandomGpt2() {}

    private static Map<String, Gpt2Config> shapes() {
        Map<String, Gpt2Config> m = new LinkedHashMap<>();
        m.put("gpt2-small", new Gpt2Config(768, 12, 12, 1024, 50257, 3072, 1e-5, true, 50256, 50256));
        m.put("distilgpt2", new Gpt2Config(768, 6, 12, 1024, 50257, 3072, 1e-5, true, 50256, 50256));
        m.put("tiny", new Gpt2Config(64, 2, 4, 128, 1024, 256, 1e-5, true, 1023, 1023));
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The shape called {@code name}. */
    public static Gpt2Config shape(String name) {
        Gpt2Config c = SHAPES.get(requireNonNull(name, "name is null"));
        if (c == null) {
            throw new IllegalArgumentException("unknown shape '" + name + "'; known: " + String.join(", ", SHAPES.keySet()));
        }
        return c;
    }

    /** Writes a random-weight checkpoint of {@code shape} to {@code directory}; returns its number of parameters. */
    public static long write(Path directory, Gpt2Config shape, long seed) throws IOException {
        requireNonNull(directory, "directory is null");
        requireNonNull(shape, "shape is null");
        if (shape.vocabSize() < 257 || shape.eosTokenId() != shape.vocabSize() - 1) {
            throw new IllegalArgumentException("a byte-level vocabulary needs 257 ids or more, <|endoftext|> last");
        }
        TransformerConfig config = shape.toTransformerConfig();
        TransformerWeights weights = TransformerWeights.init(config, Heads.LM, new Rng(seed));
        Files.createDirectories(directory);
        Gpt2Checkpoint.write(directory, weights, shape.bosTokenId(), shape.eosTokenId(), shape.eosTokenId());
        DurableFiles.write(directory.resolve(HuggingFaceTokenizer.FILE), byteLevelBpe(shape.vocabSize()));
        return weights.numParams();
    }

    /** A byte-level BPE {@code tokenizer.json} of {@code vocabSize} ids ({@code <|endoftext|>} the last). */
    static String byteLevelBpe(int vocabSize) throws IOException {
        List<String> symbols = byteSymbols();
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ObjectNode eos = root.putArray("added_tokens").addObject();
        eos.put("id", vocabSize - 1);
        eos.put("content", END_OF_TEXT);
        eos.put("single_word", false);
        eos.put("lstrip", false);
        eos.put("rstrip", false);
        eos.put("normalized", true);
        eos.put("special", true);
        root.putNull("normalizer");
        for (String key : new String[] {"pre_tokenizer", "post_processor", "decoder"}) {
            ObjectNode b = root.putObject(key);
            b.put("type", "ByteLevel");
            b.put("add_prefix_space", false);
            b.put("trim_offsets", true);
            b.put("use_regex", true);
        }
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < symbols.size(); i++) {
            vocab.put(symbols.get(i), i);
        }
        ArrayNode merges = model.putArray("merges");
        int id = symbols.size();
        // merges of two byte symbols, the printable ones first (a..z, space-prefixed letters, ...), in a fixed order
        List<String> order = new ArrayList<>(symbols);
        order.sort((a, b) -> Integer.compare(rank(a), rank(b)));
        outer:
        for (String a : order) {
            for (String b : order) {
                if (id >= vocabSize - 1) {
                    break outer;
                }
                vocab.put(a + b, id++);
                merges.add(a + " " + b);
            }
        }
        if (id != vocabSize - 1) {
            throw new IllegalArgumentException("vocabulary of " + vocabSize + " ids is more than the two-symbol merges give");
        }
        return JSON.writeValueAsString(root) + "\n";
    }

    /** Letters first, then the space symbol and digits, then the rest. */
    private static int rank(String symbol) {
        int c = symbol.codePointAt(0);
        if (c >= 'a' && c <= 'z') {
            return c;
        }
        if (c == 0x120 || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
            return 1000 + c;
        }
        return 10_000 + c;
    }

    /** GPT-2's 256 byte symbols ({@code bytes_to_unicode}), in byte order. */
    static List<String> byteSymbols() {
        String[] symbol = new String[256];
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = b >= '!' && b <= '~' || b >= 0xa1 && b <= 0xac || b >= 0xae && b <= 0xff;
            symbol[b] = new String(Character.toChars(printable ? b : 256 + extra++));
        }
        return List.of(symbol);
    }
}
