package org.rlhf4j.engine.generation;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.engine.model.EngineThreads;
import org.rlhf4j.engine.model.KvDecoder;
import org.rlhf4j.engine.model.Nd4jForward;
import org.rlhf4j.engine.model.ShardPool;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.random.Rng;

/**
 * Batched autoregressive sampling on the ND4J path.
 *
 * <p><b>Prompts of different lengths are LEFT-PADDED</b> to the longest prompt of the batch, so every row
 * generates its next token in the same column. Padding is invisible to the model: each row's position
 * ids start at 0 at its first real token ({@code position = column - padLeft}) and the attention mask
 * hides padding columns from every query. So a prompt gives the same logits alone or in a padded batch
 * (up to float rounding). Each row must satisfy {@code promptLength + maxNewTokens <= maxSeqLen}.
 *
 * <p>With {@link SamplingConfig#useKvCache()} the prompts are prefilled once and each new token then
 * costs one single-column pass per layer that appends to the key/value cache ({@link KvDecoder}); without it,
 * the whole prefix is recomputed for every token ({@link Nd4jForward#lastLogits}: same results, an independent
 * implementation, for testing and comparison).
 *
 * <p>The rows are cut into {@code workers} contiguous shards that decode concurrently on the generator's
 * {@link ShardPool} threads, each with its own {@link KvDecoder} and sampler over the shared weights; results are
 * stitched back in row order. Every row samples from its own random stream, split from the caller's
 * {@link Rng} in row order before any sampling, and all shards share the batch's padding layout, so the
 * tokens do not depend on the worker count (log-probs only up to float rounding: the BLAS may sum a
 * shard's matrix products in another order than the whole batch's, ~1e-7 relative).
 *
 * <p><b>Lifetime.</b> A generator owns its worker threads and its decoders' buffers (sized for the largest shard
 * seen, reused by every call): create one per run (or per policy) and {@link #close} it when done, never one per
 * call. Each call reads the weights afresh, so a generator follows a policy that is trained between calls.
 * Instances are not meant to be shared between threads.
 */
public final class Generator implements AutoCloseable {
    private final TransformerWeights weights;
    private final Nd4jForward[] forwards;
    private final KvDecoder[] decoders;
    private final ShardPool pool;
    private final int vocab;
    private final int maxSeqLen;
    private boolean closed;

    /** A generator with {@link EngineThreads#trainWorkers()} workers. */
    public Generator(TransformerWeights weights) {
        this(weights, EngineThreads.trainWorkers());
    }

    /** A generator that cuts each batch into at most {@code workers} concurrently decoded row shards. */
    public Generator(TransformerWeights weights, int workers) {
        this.weights = requireNonNull(weights, "weights is null");
        if (!weights.heads().hasLm()) {
            throw new IllegalArgumentException("generation needs an LM head");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be positive: " + workers);
        }
        this.forwards = new Nd4jForward[workers];
        for (int k = 0; k < workers; k++) {
            forwards[k] = new Nd4jForward(weights, 1); // not thread-safe: one per shard
        }
        this.decoders = new KvDecoder[workers];
        this.pool = workers > 1 ? new ShardPool(workers) : null;
        this.vocab = weights.config().vocabSize();
        this.maxSeqLen = weights.config().maxSeqLen();
    }

    /** The weights it samples from (shared, not copied). */
    public TransformerWeights weights() {
        return weights;
    }

    /** Number of row shards a large enough batch is cut into. */
    public int workers() {
        return forwards.length;
    }

    /** Samples continuations of {@code prompts} (each non-empty), drawing randomness from {@code rng}. */
    public GenerationResult generate(List<int[]> prompts, SamplingConfig cfg, Rng rng) {
        requireNonNull(prompts, "prompts is null");
        requireNonNull(cfg, "cfg is null");
        requireNonNull(rng, "rng is null");
        if (closed) {
            throw new IllegalStateException("generator closed");
        }        int b = prompts.size();
        if (b == 0) {
            throw new IllegalArgumentException("no prompts");
        }
        int maxPrompt = 0;
        for (int[] p : prompts) {
            if (p.length == 0) {
                throw new IllegalArgumentException("empty prompt");
            }
            if (p.length + cfg.maxNewTokens() > maxSeqLen) {
                throw new IllegalArgumentException("prompt length " + p.length + " + maxNewTokens " + cfg.maxNewTokens()
                        + " exceeds maxSeqLen " + maxSeqLen);
            }
            maxPrompt = Math.max(maxPrompt, p.length);
        }
        int maxNew = cfg.maxNewTokens();
        Batch batch = new Batch(b, maxPrompt, maxNew);
        for (int i = 0; i < b; i++) {
            int[] p = prompts.get(i);
            batch.padLeft[i] = maxPrompt - p.length;
            System.arraycopy(p, 0, batch.seq[i], batch.padLeft[i], p.length);
            batch.rowRng[i] = rng.split(); // up front and in row order: independent of the shard layout
        }
        int shards = Math.min(forwards.length, b);
        int[] start = ShardPool.rowStarts(b, shards);
        if (shards == 1) {
            decode(0, batch, 0, b, cfg);
        } else {
            pool.runAll(shards, k -> decode(k, batch, start[k], start[k + 1], cfg));
        }
        return new GenerationResult(batch.tokens, batch.logProbs, batch.lengths);
    }

    /** Inputs and outputs of one call; each shard reads and writes only its own rows. */
    private static final class Batch {
        final int maxPrompt;
        final int maxNew;
        final int[] padLeft;
        final int[][] seq;
        final Rng[] rowRng;
        final int[][] tokens;
        final float[][] logProbs;
        final int[] lengths;

        Batch(int b, int maxPrompt, int maxNew) {
            this.maxPrompt = maxPrompt;
            this.maxNew = maxNew;
            padLeft = new int[b];
            seq = new int[b][maxPrompt + maxNew];
            rowRng = new Rng[b];
            tokens = new int[b][maxNew];
            logProbs = new float[b][maxNew];
            lengths = new int[b];
        }
    }

    /** Decodes rows {@code [from, to)} of {@code batch} as shard {@code k} (its forward pass and decoder). */
    private void decode(int k, Batch batch, int from, int to, SamplingConfig cfg) {
        int m = to - from;
        int maxPrompt = batch.maxPrompt;
        int maxNew = batch.maxNew;
        int[][] seq = java.util.Arrays.copyOfRange(batch.seq, from, to);
        int[] padLeft = java.util.Arrays.copyOfRange(batch.padLeft, from, to);
        boolean[] done = new boolean[m];
        TokenSampler sampler = new TokenSampler(cfg, vocab);
        KvDecoder decoder = null;
        if (cfg.useKvCache()) {
            decoder = decoders[k];
            if (decoder == null || decoder.maxRows() < m) {
                decoder = new KvDecoder(weights, m, maxSeqLen); // once per shard, or when a larger shard comes
                decoders[k] = decoder;
            }
            decoder.reset(padLeft);
        }
        int[] next = new int[m]; // the one new column per row of a cached step, reused
        double[] lp = new double[1];
        float[] flat = decoder == null ? new float[m * vocab] : null;
        int active = m;
        for (int step = 0; step < maxNew && active > 0; step++) {
            int cols = maxPrompt + step;
            float[] logits;
            if (decoder != null) {
                if (step == 0) {
                    int[][] in = new int[m][];
                    for (int i = 0; i < m; i++) {
                        in[i] = java.util.Arrays.copyOf(seq[i], maxPrompt);
                    }
                    logits = decoder.prefill(in);
                } else {
                    for (int i = 0; i < m; i++) {
                        next[i] = seq[i][cols - 1];
                    }
                    logits = decoder.next(next);
                }
            } else {
                int[][] in = new int[m][];
                for (int i = 0; i < m; i++) {
                    in[i] = java.util.Arrays.copyOf(seq[i], cols);
                }
                copyLogits(forwards[k].lastLogits(in, padLeft), flat);
                logits = flat;
            }
            for (int i = 0; i < m; i++) {
                if (done[i]) {
                    continue; // finished rows keep feeding token 0, which no live row ever attends to
                }
                int r = from + i;
                int tok = sampler.sample(logits, i * vocab, batch.rowRng[r], lp);
                batch.tokens[r][step] = tok;
                batch.logProbs[r][step] = (float) lp[0];
                batch.lengths[r] = step + 1;
                seq[i][cols] = tok;
                if (tok == cfg.stopToken()) {
                    done[i] = true;
                    active--;
                }
            }
        }
    }

    /** Stops the worker threads and drops the decoders' buffers (idempotent); {@link #generate} fails afterwards. */
    @Override
    public void close() {
        closed = true;
        if (pool != null) {
            pool.close();
        }
        for (int k = 0; k < decoders.length; k++) {
            if (decoders[k] != null) {
                decoders[k].close();
                decoders[k] = null;
            }
        }
    }

    /** Copies {@code [m,V]} logits into {@code out} (row-major) without an intermediate array when they are plain floats. */
    private static void copyLogits(INDArray logits, float[] out) {
        INDArray c = !logits.isView() && logits.ordering() == 'c' && logits.offset() == 0 && logits.length() == out.length ? logits : logits.dup('c');
        if (c.dataType() == DataType.FLOAT) {
            c.data().asNioFloat().get(out);
        } else {
            double[] d = c.data().asDouble();
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) d[i];
            }
        }
    }
}
