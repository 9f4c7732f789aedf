package org.rlhf4j.bench.paths;

import java.util.ArrayList;
import java.util.List;
import org.rlhf4j.bench.BenchShape;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;
import org.rlhf4j.engine.tokenizer.SpecialTokens;

/**
 * The fixed synthetic preference batch of the DPO and reward-model hot paths, built from formulas (no random
 * generator) so that {@code bench/torch_reference.py} builds exactly the same batch ({@code bench_pairs} there):
 * {@code batch / 2} pairs (so {@code batch} sequences, default shape 16 pairs); pair {@code i} shares one prompt of
 * {@code promptLen} tokens ({@code <bos>} and {@code promptLen - 1} prompt tokens), its chosen response has
 * {@code 20 + (7i) mod 11} tokens and its rejected one {@code 20 + (7i + 5) mod 11} ({@code <eos>} included: 20-30),
 * each cut to {@code seqLen - promptLen}; rows are right-padded to the context by the steps. Token ids:
 * prompt {@code 4 + (131 i + 17 j) mod (V - 4)}, response {@code 4 + (257 (2i + side + 1) + 29 j) mod (V - 4)}.
 */
public final class BenchPairs {
    /** Shortest response ({@code <eos>} included). */
    public static final int MIN_RESPONSE = 20;
    /** Response lengths spread over {@code MIN_RESPONSE .. MIN_RESPONSE + SPREAD - 1}. */
    public static final int SPREAD = 11;

    private BenchPairs() {}

    /** Pairs per step at {@code shape}: {@code batch / 2} (at least one). */
    public static int pairs(BenchShape shape) {
        return Math.max(1, shape.batch() / 2);
    }

    /** The {@code [chosen, rejected]} sequences of the batch at {@code shape}. */
    public static List<Encoded[]> build(BenchShape shape) {
        int n = pairs(shape);
        List<Encoded[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Encoded[] {sequence(shape, i, 0), sequence(shape, i, 1)});
        }
        return out;
    }

    /** Response tokens ({@code <eos>} included) of side {@code side} (0 chosen, 1 rejected) of pair {@code i}. */
    public static int responseLength(BenchShape shape, int i, int side) {
        return Math.min(MIN_RESPONSE + (7 * i + 5 * side) % SPREAD, shape.seqLen() - shape.promptLen());
    }

    private static Encoded sequence(BenchShape shape, int i, int side) {
        int p = shape.promptLen();
        int ids = Math.max(1, shape.vocab() - 4);
        int[] tokens = new int[p + responseLength(shape, i, side)];
        tokens[0] = SpecialTokens.BOS_ID;
        for (int j = 1; j < p; j++) {
            tokens[j] = 4 + Math.floorMod(131 * i + 17 * j, ids);
        }
        for (int j = p; j < tokens.length - 1; j++) {
            tokens[j] = 4 + Math.floorMod(257 * (2 * i + side + 1) + 29 * j, ids);
        }
        tokens[tokens.length - 1] = SpecialTokens.EOS_ID;
        return new Encoded(tokens, p);
    }
}
