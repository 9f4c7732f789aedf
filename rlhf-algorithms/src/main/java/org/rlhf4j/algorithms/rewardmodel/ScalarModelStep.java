package org.rlhf4j.algorithms.rewardmodel;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.algorithms.loss.PairLoss;
import org.rlhf4j.algorithms.preference.PairRows;
import org.rlhf4j.engine.model.ScalarHead;
import org.rlhf4j.engine.model.ShardedBackprop;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;
import org.rlhf4j.engine.train.StepResult;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * One training step of a scalar model (reward or cost) on a batch of pairs, on the data-parallel
 * hand-written path ({@link ShardedBackprop}, pairs kept whole in a shard): the scalar head read at each
 * sequence's last token, the {@link PairObjective}'s loss, and the gradient back through head and backbone.
 * Logs the objective's parts under {@code <phase>/<name>} (e.g. {@code reward_model/accuracy}).
 */
public final class ScalarModelStep implements TrainingLoop.Step, AutoCloseable {
    private final TransformerWeights weights;
    private final List<ScalarPair> pairs;
    private final PairObjective objective;
    private final String prefix;
    private final int batch;
    private final int width;
    private final boolean meanPooling;
    private final ShardedBackprop backprop;

    /**
     * @param weights a model with a scalar head (trained in place)
     * @param pairs the training pairs (indexed by the loop's data order)
     * @param objective the loss
     * @param phase the metric prefix
     * @param batch pairs per step
     * @param workers data-parallel shards
     * @param gradientBuffers where gradients go (the optimizer's buffers)
     */
    public ScalarModelStep(TransformerWeights weights, List<ScalarPair> pairs, PairObjective objective, String phase, int batch,
            int workers, Map<String, INDArray> gradientBuffers) {
        this(weights, pairs, objective, phase, batch, workers, gradientBuffers, false);
    }

    /** A step whose head mean-pools each response's hidden states when {@code meanPooling}. */
    public ScalarModelStep(TransformerWeights weights, List<ScalarPair> pairs, PairObjective objective, String phase, int batch,
            int workers, Map<String, INDArray> gradientBuffers, boolean meanPooling) {
        this.weights = requireNonNull(weights, "weights is null");
        if (!weights.heads().hasScalar()) {
            throw new IllegalArgumentException("a scalar model needs a scalar head");
        }
        this.pairs = List.copyOf(pairs);
        this.objective = requireNonNull(objective, "objective is null");
        this.prefix = phase + "/";
        this.batch = batch;
        this.width = weights.config().maxSeqLen();
        this.meanPooling = meanPooling;
        this.backprop = new ShardedBackprop(weights, 2 * batch, width, workers, 2, gradientBuffers);
    }

    /** The gradients each step leaves, by parameter name. */
    public Map<String, INDArray> gradients() {
        return backprop.gradients();
    }

    @Override
    public StepResult compute(int[] indices) {
        List<ScalarPair> chosen = new ArrayList<>(indices.length);
        List<Encoded[]> sequences = new ArrayList<>(indices.length);
        for (int index : indices) {
            ScalarPair pair = pairs.get(index);
            chosen.add(pair);
            sequences.add(new Encoded[] {pair.first(), pair.second()});
        }
        PairRows rows = PairRows.forScalar(sequences, width, meanPooling);
        double[] scores = new double[2 * batch];
        double loss = backprop.lossAndGradients(rows.ids(), shard -> {
            int[] last = java.util.Arrays.copyOfRange(rows.last(), shard.fromRow(), shard.toRow());
            int[] from = java.util.Arrays.copyOfRange(rows.first(), shard.fromRow(), shard.toRow());
            double[] r = ScalarHead.forward(shard.hidden(), from, last, width, weights);
            System.arraycopy(r, 0, scores, shard.fromRow(), r.length);
            int n = r.length / 2;
            double[] first = new double[n];
            double[] second = new double[n];
            for (int i = 0; i < n; i++) {
                first[i] = r[2 * i];
                second[i] = r[2 * i + 1];
            }
            PairLoss part = objective.compute(first, second, chosen.subList(shard.fromRow() / 2, shard.toRow() / 2), batch);
            double[] dR = new double[r.length];
            for (int i = 0; i < n; i++) {
                dR[2 * i] = part.dFirst()[i];
                dR[2 * i + 1] = part.dSecond()[i];
            }
            ScalarHead.backward(shard.hidden(), from, last, width, dR, weights, shard.dHidden(), shard.dHeadW(), shard.dHeadB());
            return part.loss();
        });
        double[] first = new double[batch];
        double[] second = new double[batch];
        for (int i = 0; i < batch; i++) {
            first[i] = scores[2 * i];
            second[i] = scores[2 * i + 1];
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        objective.compute(first, second, chosen, batch).metrics().forEach((name, value) -> metrics.put(prefix + name, value));
        return new StepResult(loss, metrics);
    }

    @Override
    public void close() {
        backprop.close();
    }
}
