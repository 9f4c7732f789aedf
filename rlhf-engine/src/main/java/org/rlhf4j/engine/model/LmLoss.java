package org.rlhf4j.engine.model;

import static java.util.Objects.requireNonNull;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Language-model losses as pure functions of the logits, for {@link Nd4jBackprop#backward}: each returns
 * the loss and writes dLoss/dLogits into a caller-owned array.
 */
public final class LmLoss {
    private LmLoss() {}

    /**
     * Masked mean next-token cross-entropy, {@code -sum(mask * log softmax(logits)[target]) / sum(mask)}
     * (the {@link TransformerGraph#LM_LOSS} of the SameDiff graph). {@code logits} is {@code [B*T,V]}
     * with batch-major rows, {@code targets} and {@code mask} are {@code [B][T]}. Writes the gradient
     * {@code (softmax - onehot(target)) * mask / sum(mask)} into {@code dLogits} (same shape, plain
     * c-ordered, not {@code logits}); {@code logits} is left unchanged. An all-zero mask gives loss 0
     * and a zero gradient.
     */
    public static double maskedCrossEntropy(INDArray logits, int[][] targets, float[][] mask, INDArray dLogits) {
        requireNonNull(mask, "mask is null");
        return maskedCrossEntropy(logits, targets, mask, maskSum(mask), dLogits);
    }

    /**
     * The same loss with an explicit normaliser: {@code -sum(mask * log softmax(logits)[target]) / normaliser},
     * gradient {@code (softmax - onehot(target)) * mask / normaliser}. For a shard of a larger batch, pass the
     * {@link #maskSum} of the WHOLE batch: the shards' losses and gradients then add up to the whole batch's
     * {@link #maskedCrossEntropy(INDArray, int[][], float[][], INDArray)}. A shard whose own mask is all
     * zero gives loss 0 and a zero gradient (whatever the normaliser).
     *
     * @throws IllegalArgumentException if the mask has a nonzero entry and {@code normaliser} is not positive
     */
    public static double maskedCrossEntropy(INDArray logits, int[][] targets, float[][] mask, double normaliser, INDArray dLogits) {
        return crossEntropy(logits, targets, mask, normaliser, dLogits, null, true);
    }

    /**
     * The log-probability of every target token and the gradient of {@code -sum(mask * log p)}: returns
     * {@code logp[b*T+t] = log softmax(logits[b*T+t])[targets[b][t]]} where {@code mask[b][t] != 0} (0 elsewhere)
     * and writes {@code (softmax - onehot(target)) * mask} into {@code dLogits}. A sequence-level loss
     * {@code L(seqLogp)} (DPO, IPO, policy gradients) then gets its gradient at the logits by scaling each row of
     * {@code dLogits} by {@code -dL/dseqLogp} of the row's sequence. An all-zero mask gives zeros.
     */
    public static double[] tokenLogProbsAndGradient(INDArray logits, int[][] targets, float[][] mask, INDArray dLogits) {
        requireNonNull(logits, "logits is null");
        double[] logp = new double[(int) logits.size(0)];
        crossEntropy(logits, targets, mask, 1.0, dLogits, logp, true);
        return logp;
    }

    /**
     * The token log-probs of {@link #tokenLogProbsAndGradient} (the same values, in double), without the gradient: for
     * forward-only passes (a frozen reference, the log-probs at sampling). {@code scratch} (a distinct plain c-ordered
     * array of the logits' shape) is clobbered.
     */
    public static double[] tokenLogProbs(INDArray logits, int[][] targets, float[][] mask, INDArray scratch) {
        requireNonNull(logits, "logits is null");
        double[] logp = new double[(int) logits.size(0)];
        crossEntropy(logits, targets, mask, 1.0, scratch, logp, false);
        return logp;
    }

    /**
     * Turns the {@code dLogits} left by {@link #tokenLogProbsAndGradient} (d(-logp)/dlogits at each masked row) into
     * the gradient of a token-level loss with {@code dLossDLogp[row]} = dL/dlogp of each row's target token (0 at
     * unmasked rows): each row is scaled by {@code -dLossDLogp[row]}.
     */
    public static void chainTokenLogProbGradient(INDArray dLogits, double[] dLossDLogp) {
        requireNonNull(dLogits, "dLogits is null");
        if (dLossDLogp.length != dLogits.size(0)) {
            throw new IllegalArgumentException(dLossDLogp.length + " token gradients for " + dLogits.size(0) + " rows");
        }
        double[] scale = new double[dLossDLogp.length];
        for (int i = 0; i < scale.length; i++) {
            scale[i] = -dLossDLogp[i];
        }
        dLogits.muli(Nd4j.createFromArray(scale).castTo(dLogits.dataType()).reshape(scale.length, 1));
    }

    /**
     * {@link #maskedCrossEntropy}, also writing each masked row's target log-prob into {@code logpOut} when not null; with
     * {@code gradient} false, {@code dLogits} is only scratch (it holds exp(logits) or the softmax afterwards).
     */
    private static double crossEntropy(INDArray logits, int[][] targets, float[][] mask, double normaliser, INDArray dLogits,
            double[] logpOut, boolean gradient) {
        requireNonNull(logits, "logits is null");
        requireNonNull(targets, "targets is null");
        requireNonNull(mask, "mask is null");
        requireNonNull(dLogits, "dLogits is null");
        int rows = (int) logits.size(0);
        int v = (int) logits.size(1);
        checkDistinctPlainPair(logits, dLogits, "dLogits");
        int t = targets.length == 0 ? 0 : targets[0].length;
        if (targets.length * t != rows || mask.length != targets.length) {
            throw new IllegalArgumentException("targets " + targets.length + "x" + t + " do not match " + rows + " logit rows");
        }
        if (maskSum(mask) == 0) {
            dLogits.assign(0);
            return 0;
        }
        if (!(normaliser > 0) || Double.isInfinite(normaliser)) {
            throw new IllegalArgumentException("normaliser must be positive and finite: " + normaliser);
        }
        double count = normaliser;
        double[] sums = expRowSums(logits, dLogits);
        if (sums != null) {
            // dLogits holds exp(logits): log p = z - log(sum), gradient = exp * w / sum - w * onehot
            DataBuffer z = logits.data();
            double[] weight = new double[rows];
            double[] scale = new double[rows];
            double nll = 0;
            for (int r = 0; r < rows; r++) {
                float m = mask[r / t][r % t];
                if (m == 0) {
                    continue;
                }
                int target = checkedTarget(targets[r / t][r % t], v);
                double logp = z.getDouble((long) r * v + target) - Math.log(sums[r]);
                if (logpOut != null) {
                    logpOut[r] = logp;
                }
                nll -= m * logp;
                weight[r] = m / count;
                scale[r] = weight[r] / sums[r];
            }
            if (gradient) {
                dLogits.muli(Nd4j.createFromArray(scale).castTo(dLogits.dataType()).reshape(rows, 1));
                subtractAtTargets(dLogits, targets, weight, v, t);
            }
            return nll / count;
        }
        Nd4j.exec(new SoftMax(logits, dLogits, -1));
        DataBuffer p = dLogits.data();
        DataBuffer z = logits.data();
        double[] weight = new double[rows];
        double nll = 0;
        for (int r = 0; r < rows; r++) {
            float m = mask[r / t][r % t];
            if (m == 0) {
                continue;
            }
            int target = checkedTarget(targets[r / t][r % t], v);
            long at = (long) r * v + target;
            double prob = p.getDouble(at);
            // log p; from the logits when the probability underflows (far-off targets)
            double logp = prob > 1e-30 ? Math.log(prob) : z.getDouble(at) - logSumExp(z, (long) r * v, v);
            if (logpOut != null) {
                logpOut[r] = logp;
            }
            nll -= m * logp;
            weight[r] = m / count;
        }
        if (gradient) {
            // broadcasting multiply by a [rows,1] column (BroadcastMulOp along dimension 0 is 30x slower)
            dLogits.muli(Nd4j.createFromArray(weight).castTo(dLogits.dataType()).reshape(rows, 1));
            subtractAtTargets(dLogits, targets, weight, v, t);
        }
        return nll / count;
    }

    /** Sum of the mask entries (the number of tokens in the loss for a 0/1 mask). */
    public static double maskSum(float[][] mask) {
        requireNonNull(mask, "mask is null");
        double count = 0;
        for (float[] row : mask) {
            for (float m : row) {
                count += m;
            }
        }
        return count;
    }

    private static void subtractAtTargets(INDArray dLogits, int[][] targets, double[] weight, int v, int t) {
        DataBuffer p = dLogits.data();
        for (int r = 0; r < weight.length; r++) {
            if (weight[r] != 0) {
                long at = (long) r * v + targets[r / t][r % t];
                p.put(at, p.getDouble(at) - weight[r]);
            }
        }
    }

    private static int checkedTarget(int target, int v) {
        if (target < 0 || target >= v) {
            throw new IllegalArgumentException("target out of range: " + target);
        }
        return target;
    }

    /** Logits up to this size in absolute value cannot overflow or underflow exp in float. */
    private static final double SAFE_EXP = 60;

    /**
     * Writes exp(logits) into {@code out} and returns the row sums, when every |logit| is below
     * {@value #SAFE_EXP} (so no max-subtraction is needed: 3 cheap ops instead of ND4J's slower softmax);
     * returns null otherwise (the caller then uses the softmax op).
     */
    private static double[] expRowSums(INDArray logits, INDArray out) {
        if (!(logits.amaxNumber().doubleValue() < SAFE_EXP)) {
            return null;
        }
        Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Exp(logits, out));
        INDArray sums = Nd4j.create(logits.dataType(), logits.size(0), 1);
        Nd4j.gemm(out, Nd4j.ones(logits.dataType(), logits.size(1), 1), sums, false, false, 1.0, 0.0);
        return sums.data().asDouble();
    }

    /**
     * {@code out[b][t] = log softmax(logits[b*T+t])[targets[b][t]]} for logits {@code [B*T,V]}; the softmax goes
     * to {@code probs} (a distinct plain c-ordered array of the same shape, clobbered), {@code logits} is
     * left unchanged. Where a probability underflows, the log-prob is recomputed from the logits row.
     */
    public static float[][] targetLogProbs(INDArray logits, int[][] targets, INDArray probs) {
        requireNonNull(logits, "logits is null");
        requireNonNull(targets, "targets is null");
        requireNonNull(probs, "probs is null");
        int rows = (int) logits.size(0);
        int v = (int) logits.size(1);
        checkDistinctPlainPair(logits, probs, "probs");
        int t = targets.length == 0 ? 0 : targets[0].length;
        if (targets.length * t != rows) {
            throw new IllegalArgumentException("targets " + targets.length + "x" + t + " do not match " + rows + " logit rows");
        }
        double[] sums = expRowSums(logits, probs);
        if (sums != null) {
            DataBuffer z = logits.data();
            float[][] out = new float[targets.length][t];
            for (int r = 0; r < rows; r++) {
                int target = checkedTarget(targets[r / t][r % t], v);
                out[r / t][r % t] = (float) (z.getDouble((long) r * v + target) - Math.log(sums[r]));
            }
            return out;
        }
        Nd4j.exec(new SoftMax(logits, probs, -1));
        DataBuffer p = probs.data();
        DataBuffer z = logits.data();
        float[][] out = new float[targets.length][t];
        for (int r = 0; r < rows; r++) {
            int target = targets[r / t][r % t];
            if (target < 0 || target >= v) {
                throw new IllegalArgumentException("target out of range: " + target);
            }
            long at = (long) r * v + target;
            double prob = p.getDouble(at);
            out[r / t][r % t] = (float) (prob > 1e-30 ? Math.log(prob) : z.getDouble(at) - logSumExp(z, (long) r * v, v));
        }
        return out;
    }

    private static double logSumExp(DataBuffer z, long start, int v) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) {
            max = Math.max(max, z.getDouble(start + j));
        }
        double sum = 0;
        for (int j = 0; j < v; j++) {
            sum += Math.exp(z.getDouble(start + j) - max);
        }
        return max + Math.log(sum);
    }

    /**
     * {@code other} must be a distinct plain c-ordered array of {@code logits}' {@code [rows,V]} shape (the element
     * at {@code [r,j]} at {@code data()} index {@code r*V+j}: a whole array, or a view of the first rows of one).
     */
    private static void checkDistinctPlainPair(INDArray logits, INDArray other, String otherName) {
        if (logits == other || !plainAtZero(other) || !plainAtZero(logits) || logits.data() == other.data()
                || !java.util.Arrays.equals(logits.shape(), other.shape())) {
            throw new IllegalArgumentException("logits and " + otherName + " must be distinct plain c-ordered [rows,V] arrays");
        }
    }

    private static boolean plainAtZero(INDArray a) {
        return a.ordering() == 'c' && a.offset() == 0 && BlockOps.isPlain(a);
    }
}
