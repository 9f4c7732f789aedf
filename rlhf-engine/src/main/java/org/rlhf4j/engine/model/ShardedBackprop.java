package org.rlhf4j.engine.model;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The data-parallel training step for any loss: the batch's rows are cut into shards that run forward,
 * loss and backward concurrently (one {@link Nd4jBackprop} per shard over the shared weights), and the
 * shards' gradients are summed in a fixed order (shard 0, then 1, ...), as {@link ShardedLmBackprop} does
 * for the LM loss.
 *
 * <p>The loss is a {@link ShardLoss}: after a shard's forward pass it reads the shard's logits and/or final
 * hidden states, returns its part of the loss and writes the gradients at the logits, at the hidden states
 * and at the scalar head. Losses that couple rows (a chosen and a rejected response) keep coupled rows in
 * one shard with {@code rowMultiple} (2 for pairs at rows {@code 2i, 2i+1}); a loss normalised over the
 * whole batch divides by the whole batch's count in every shard, so the shard parts add up to it.
 */
public final class ShardedBackprop implements AutoCloseable {
    /** One shard's part of a loss. */
    @FunctionalInterface
    public interface ShardLoss {
        /**
         * Computes the loss of rows {@code [shard.fromRow(), shard.toRow())} of the batch after the shard's
         * forward pass and writes its gradients into {@code shard}'s buffers (each buffer it asks for, whole:
         * they are reused between calls; the head gradients start at zero). Runs on a worker thread,
         * concurrently with the other shards: write only to the shard's buffers and to per-shard state.
         *
         * @return this shard's part of the loss
         */
        double lossAndGradients(Shard shard);
    }

    /** What a {@link ShardLoss} reads and writes for one shard. */
    public static final class Shard {
        private final int index;
        private final int fromRow;
        private final int toRow;
        private final int seqLen;
        private final Nd4jBackprop pass;
        private final INDArray dLogits;
        private final INDArray dHidden;
        private final INDArray dHeadW;
        private final INDArray dHeadB;
        private INDArray dLmHead; // made on first use
        private boolean withLogits;
        private boolean usedLogits;
        private boolean usedHidden;
        private boolean usedLmHead;

        Shard(int index, int fromRow, int toRow, int seqLen, Nd4jBackprop pass, TransformerWeights w) {
            this.index = index;
            this.fromRow = fromRow;
            this.toRow = toRow;
            this.seqLen = seqLen;
            this.pass = pass;
            int n = (toRow - fromRow) * seqLen;
            this.dLogits = w.heads().hasLm() ? Nd4j.create(w.dataType(), n, w.config().vocabSize()) : null;
            this.dHidden = Nd4j.create(w.dataType(), n, w.config().dModel());
            this.dHeadW = w.heads().hasScalar() ? w.get(ParamNames.HEAD_W).ulike() : null;
            this.dHeadB = w.heads().hasScalar() ? w.get(ParamNames.HEAD_B).ulike() : null;
        }

        /** The shard's index, 0 first. */
        public int index() {
            return index;
        }

        /** The first batch row of this shard. */
        public int fromRow() {
            return fromRow;
        }

        /** One past the last batch row of this shard. */
        public int toRow() {
            return toRow;
        }

        /** The shard's rows. */
        public int rows() {
            return toRow - fromRow;
        }

        /** Columns T of every row. */
        public int seqLen() {
            return seqLen;
        }

        /** The shard's logits {@code [rows*T,V]} (null without an LM head); only after a forward pass with logits. */
        public INDArray logits() {
            if (!withLogits) {
                throw new IllegalStateException("this pass ran without logits");
            }
            return pass.logits();
        }

        /** The shard's final hidden states {@code [rows*T,D]}. */
        public INDArray hidden() {
            return pass.hidden();
        }

        /** Where the loss writes dLoss/dLogits {@code [rows*T,V]}; marks the LM path as used. */
        public INDArray dLogits() {
            if (dLogits == null) {
                throw new IllegalStateException("the model has no LM head");
            }
            if (!withLogits) {
                throw new IllegalStateException("this pass ran without logits");
            }
            usedLogits = true;
            return dLogits;
        }

        /** Where the loss writes dLoss/dHidden {@code [rows*T,D]}; marks the hidden path as used. */
        public INDArray dHidden() {
            usedHidden = true;
            return dHidden;
        }

        /**
         * Where a loss that evaluates the LM head itself (after a pass without logits, e.g. {@link MaskedLmHead})
         * writes the whole gradient of the head's matrix ({@code lm_head [D,V]}, or {@code tok_emb [V,D]} when tied:
         * it is added to the embedding's own gradient); the gradient at the hidden states goes to
         * {@link #dHidden()} as usual.
         */
        public INDArray dLmHead() {
            if (dLogits == null) {
                throw new IllegalStateException("the model has no LM head");
            }
            if (dLmHead == null) {
                dLmHead = pass.weights().get(pass.weights().lmHeadName()).ulike();
            }
            usedLmHead = true;
            return dLmHead;
        }

        /** Where the loss writes the gradient of the scalar head's weight {@code [D,1]} (null without a scalar head). */
        public INDArray dHeadW() {
            return dHeadW;
        }

        /** Where the loss writes the gradient of the scalar head's bias {@code [1]} (null without a scalar head). */
        public INDArray dHeadB() {
            return dHeadB;
        }
    }

    private final TransformerWeights weights;
    private final int batch;
    private final int seqLen;
    private final int[] rowStart;
    private final Nd4jBackprop[] passes;
    private final Shard[] shards;
    private final ShardPool pool;
    private final Map<String, INDArray> gradients = new LinkedHashMap<>();
    private final Map<String, INDArray> gradientsView = Collections.unmodifiableMap(gradients);

    /**
     * @param weights the model (read, never written)
     * @param batch rows B of every batch
     * @param seqLen columns T of every batch
     * @param workers shards (and threads) per call; cut to the number of row groups
     * @param rowMultiple shard boundaries fall on multiples of this (rows a loss couples stay together);
     *     {@code batch} must be a multiple of it
     * @param gradientBuffers where the summed gradient of each named parameter goes (e.g. AdamW's buffers);
     *     parameters not named get buffers of their own
     */
    public ShardedBackprop(TransformerWeights weights, int batch, int seqLen, int workers, int rowMultiple,
            Map<String, INDArray> gradientBuffers) {
        this.weights = requireNonNull(weights, "weights is null");
        requireNonNull(gradientBuffers, "gradientBuffers is null");
        if (batch <= 0 || workers <= 0 || rowMultiple <= 0 || batch % rowMultiple != 0) {
            throw new IllegalArgumentException("bad shape: batch " + batch + ", workers " + workers + ", row multiple " + rowMultiple);
        }
        this.batch = batch;
        this.seqLen = seqLen;
        int groups = batch / rowMultiple;
        int n = Math.min(workers, groups);
        rowStart = ShardPool.rowStarts(groups, n);
        for (int k = 0; k <= n; k++) {
            rowStart[k] *= rowMultiple;
        }
        passes = new Nd4jBackprop[n];
        shards = new Shard[n];
        for (int k = 0; k < n; k++) {
            passes[k] = new Nd4jBackprop(weights, rowStart[k + 1] - rowStart[k], seqLen, k == 0 ? gradientBuffers : Map.of());
            shards[k] = new Shard(k, rowStart[k], rowStart[k + 1], seqLen, passes[k], weights);
        }
        gradients.putAll(passes[0].gradients());
        if (weights.heads().hasScalar()) {
            gradients.put(ParamNames.HEAD_W, buffer(gradientBuffers, ParamNames.HEAD_W));
            gradients.put(ParamNames.HEAD_B, buffer(gradientBuffers, ParamNames.HEAD_B));
        }
        pool = n > 1 ? new ShardPool(n) : null;
    }

    private INDArray buffer(Map<String, INDArray> given, String name) {
        INDArray buffer = given.get(name);
        return buffer != null ? buffer : weights.get(name).ulike();
    }

    /** Name prefix of this instance's worker threads (null with one worker); for tests. */
    String threadNamePrefix() {
        return pool == null ? null : pool.threadNamePrefix();
    }

    /** Rows of shard {@code k} (its {@link Shard#rows()}). */
    public int shardRows(int k) {
        return rowStart[k + 1] - rowStart[k];
    }

    /** Shards (and threads) per call. */
    public int workers() {
        return shards.length;
    }

    /** Rows B of the batches this instance serves. */
    public int batch() {
        return batch;
    }

    /** Columns T of the batches this instance serves. */
    public int seqLen() {
        return seqLen;
    }

    /**
     * Forward pass of {@code ids [B][T]}, the loss, and backward pass. Returns the loss (the sum of the shards'
     * parts, in shard order); the summed gradient of every parameter is left in {@link #gradients()}.
     */
    public double lossAndGradients(int[][] ids, ShardLoss loss) {
        return lossAndGradients(ids, true, loss);
    }

    /**
     * {@link #lossAndGradients(int[][], ShardLoss)}, with the logits computed only when {@code withLogits}: a loss
     * that needs the LM head at some rows only reads {@link Shard#hidden()} and writes {@link Shard#dHidden()} and
     * {@link Shard#dLmHead()}.
     */
    public double lossAndGradients(int[][] ids, boolean withLogits, ShardLoss loss) {
        requireNonNull(ids, "ids is null");
        requireNonNull(loss, "loss is null");
        if (ids.length != batch) {
            throw new IllegalArgumentException("ids must have " + batch + " rows, got " + ids.length);
        }
        double[] parts = new double[shards.length];
        if (pool == null) {
            parts[0] = runShard(0, ids, withLogits, loss);
        }
        else {
            pool.runAll(shards.length, k -> parts[k] = runShard(k, ids, withLogits, loss));
        }
        double total = parts[0];
        if (shards[0].dHeadW != null) {
            gradients.get(ParamNames.HEAD_W).assign(shards[0].dHeadW);
            gradients.get(ParamNames.HEAD_B).assign(shards[0].dHeadB);
        }
        for (int k = 1; k < shards.length; k++) {
            total += parts[k];
            Map<String, INDArray> g = passes[k].gradients();
            for (Map.Entry<String, INDArray> e : passes[0].gradients().entrySet()) {
                e.getValue().addi(g.get(e.getKey()));
            }
            if (shards[k].dHeadW != null) {
                gradients.get(ParamNames.HEAD_W).addi(shards[k].dHeadW);
                gradients.get(ParamNames.HEAD_B).addi(shards[k].dHeadB);
            }
        }
        return total;
    }

    /**
     * Forward pass only: runs {@code reader} on every shard after its forward pass (to read logits or hidden
     * states, e.g. a frozen reference's log-probs, with the exact arithmetic of training); no backward pass,
     * gradients untouched. The reader's return value is ignored.
     */
    public void forward(int[][] ids, ShardLoss reader) {
        forward(ids, true, reader);
    }

    /** {@link #forward(int[][], ShardLoss)}, with the logits computed only when {@code withLogits}. */
    public void forward(int[][] ids, boolean withLogits, ShardLoss reader) {
        requireNonNull(ids, "ids is null");
        requireNonNull(reader, "reader is null");
        if (ids.length != batch) {
            throw new IllegalArgumentException("ids must have " + batch + " rows, got " + ids.length);
        }
        java.util.function.IntConsumer run = k -> {
            shards[k].withLogits = withLogits;
            passes[k].forward(Arrays.copyOfRange(ids, shards[k].fromRow, shards[k].toRow), withLogits);
            reader.lossAndGradients(shards[k]);
        };
        if (pool == null) {
            run.accept(0);
        }
        else {
            pool.runAll(shards.length, run);
        }
    }

    private double runShard(int k, int[][] ids, boolean withLogits, ShardLoss loss) {
        Shard shard = shards[k];
        shard.withLogits = withLogits;
        shard.usedLogits = false;
        shard.usedHidden = false;
        shard.usedLmHead = false;
        if (shard.dHeadW != null) {
            shard.dHeadW.assign(0);
            shard.dHeadB.assign(0);
        }
        passes[k].forward(Arrays.copyOfRange(ids, shard.fromRow, shard.toRow), withLogits);
        double part = loss.lossAndGradients(shard);
        if (!shard.usedLogits && !shard.usedHidden) {
            shard.dHidden.assign(0); // a shard whose rows carry no loss: zero gradients
            shard.usedHidden = true;
        }
        passes[k].backward(shard.usedLogits ? shard.dLogits : null, shard.usedHidden ? shard.dHidden : null);
        if (shard.usedLmHead) { // the loss's own lm_head gradient (backward left zero, or the dLogits part, there)
            INDArray g = passes[k].gradients().get(weights.lmHeadName());
            if (shard.usedLogits || weights.config().tiedEmbeddings()) { // tied: tok_emb holds the embedding's gradient too
                g.addi(shard.dLmHead);
            }
            else {
                g.assign(shard.dLmHead);
            }
        }
        return part;
    }

    /**
     * The summed gradients of the last {@link #lossAndGradients} call by parameter name: every backbone
     * parameter, {@code lm_head} and the scalar head where the model has them (overwritten by the next call).
     */
    public Map<String, INDArray> gradients() {
        return gradientsView;
    }

    /** Stops the worker threads (idempotent). */
    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
    }
}
