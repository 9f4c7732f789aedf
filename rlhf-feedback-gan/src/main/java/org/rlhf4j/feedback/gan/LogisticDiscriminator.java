package org.rlhf4j.feedback.gan;

import java.util.List;

/**
 * A logistic-regression discriminator D(x) = sigmoid(w . x + b) over sparse features, trained by
 * minibatch SGD on binary cross-entropy with an L2 penalty on w: real (demonstration) examples have
 * label 1, fake (policy) examples label 0.
 */
public final class LogisticDiscriminator {
    private final double[] weights;
    private double bias;

    public LogisticDiscriminator(int dimension) {
        this.weights = new double[dimension];
    }

    /** The logit w . x + b, which equals log D(x) - log(1 - D(x)). */
    public double logit(HashedNgramFeatures.SparseVector x) {
        return x.dot(weights) + bias;
    }

    /** D(x), the probability that x is real. */
    public double probability(HashedNgramFeatures.SparseVector x) {
        return sigmoid(logit(x));
    }

    /**
     * One SGD step on a batch.
     *
     * @return the batch's mean cross-entropy before the step
     */
    public double step(List<HashedNgramFeatures.SparseVector> real, List<HashedNgramFeatures.SparseVector> fake,
            double learningRate, double l2) {
        int n = real.size() + fake.size();
        double[] errors = new double[n];
        double loss = 0;
        for (int i = 0; i < n; i++) {
            boolean isReal = i < real.size();
            HashedNgramFeatures.SparseVector x = isReal ? real.get(i) : fake.get(i - real.size());
            double z = logit(x);
            // -log sigmoid(z) = softplus(-z); -log(1 - sigmoid(z)) = softplus(z)
            loss += isReal ? softplus(-z) : softplus(z);
            errors[i] = sigmoid(z) - (isReal ? 1.0 : 0.0);
        }
        if (l2 > 0) {
            double decay = 1.0 - learningRate * l2;
            for (int j = 0; j < weights.length; j++) {
                weights[j] *= decay;
            }
        }
        double scale = learningRate / n;
        double biasGradient = 0;
        for (int i = 0; i < n; i++) {
            HashedNgramFeatures.SparseVector x = i < real.size() ? real.get(i) : fake.get(i - real.size());
            for (int k = 0; k < x.indices().length; k++) {
                weights[x.indices()[k]] -= scale * errors[i] * x.values()[k];
            }
            biasGradient += errors[i];
        }
        bias -= scale * biasGradient;
        return loss / n;
    }

    /** Writes the weights and bias. */
    void write(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(weights.length);
        for (double w : weights) {
            out.writeDouble(w);
        }
        out.writeDouble(bias);
    }

    /** Reads what {@link #write} wrote. */
    void read(java.io.DataInputStream in) throws java.io.IOException {
        if (in.readInt() != weights.length) {
            throw new java.io.IOException("a discriminator of another feature_bits");
        }
        for (int j = 0; j < weights.length; j++) {
            weights[j] = in.readDouble();
        }
        bias = in.readDouble();
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1.0 / (1.0 + Math.exp(-z)) : Math.exp(z) / (1.0 + Math.exp(z));
    }

    static double softplus(double z) {
        return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    }
}
