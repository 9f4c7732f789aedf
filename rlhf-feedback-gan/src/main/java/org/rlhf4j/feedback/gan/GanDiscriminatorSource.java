package org.rlhf4j.feedback.gan;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.LearningFeedbackSource;
import org.rlhf4j.api.feedback.Provenance;
import org.rlhf4j.api.feedback.Score;
import org.rlhf4j.feedback.gan.GanDiscriminatorConfig.RewardForm;

/**
 * The cheap RLGAF discriminator ({@code model: ngram}): a logistic regression on hashed word n-grams of the response
 * alone. Expert demonstrations are real, the policy samples given to {@link #observe} are fake (a bounded buffer of
 * the latest ones); each round trains {@code d_steps} SGD steps on balanced minibatches (seeded by the round). A
 * response's reward is the configured {@link RewardForm} of its logit; pairwise preferences compare rewards (the
 * {@link org.rlhf4j.api.feedback.FeedbackSource#compare} default). An untrained discriminator gives every response
 * logit 0 (D = 0.5): every comparison ties. Its state (weights, rounds, fake buffer) is saved and restored whole.
 */
public final class GanDiscriminatorSource implements LearningFeedbackSource {
    private static final int STATE_VERSION = 1;

    private final String type;
    private final GanDiscriminatorConfig config;
    private final HashedNgramFeatures features;
    private final LogisticDiscriminator discriminator;
    private final List<HashedNgramFeatures.SparseVector> real;
    private final Deque<String> fake = new ArrayDeque<>();
    private final long seed;
    private SplittableRandom random;
    private int rounds;

    public GanDiscriminatorSource(String type, GanDiscriminatorConfig config, List<String> demonstrations, long seed) {
        this.type = requireNonNull(type, "type is null");
        this.config = requireNonNull(config, "config is null");
        if (demonstrations.isEmpty()) {
            throw new IllegalArgumentException("no demonstrations");
        }
        this.features = new HashedNgramFeatures(config.featureBits());
        this.discriminator = new LogisticDiscriminator(features.dimension());
        this.real = demonstrations.stream().map(features::featurize).toList();
        this.seed = seed;
    }

    /** D(x): the probability the discriminator gives that {@code response} is a demonstration. */
    public double probabilityReal(String response) {
        return discriminator.probability(features.featurize(response));
    }

    /** The reward of {@code response} under the configured {@link RewardForm}. */
    public double reward(String response) {
        return config.reward().of(discriminator.logit(features.featurize(response)));
    }

    @Override
    public boolean givesScores() {
        return true;
    }

    @Override
    public List<Score> score(List<Completion> completions, FeedbackContext context) {
        Provenance provenance = new Provenance(type, "discriminator@round-" + rounds, Instant.now());
        return completions.stream().map(completion -> Score.of(completion, reward(completion.response()), provenance)).toList();
    }

    @Override
    public Map<String, Double> observe(List<Completion> policySamples, FeedbackContext context) {
        for (Completion sample : policySamples) {
            fake.addLast(sample.response());
            if (fake.size() > config.fakeBuffer()) {
                fake.removeFirst();
            }
        }
        if (fake.isEmpty() || config.dSteps() == 0) {
            return Map.of();
        }
        List<HashedNgramFeatures.SparseVector> fakePool = fake.stream().map(features::featurize).toList();
        random = new SplittableRandom(seed ^ (rounds + 1) * 0x9E3779B97F4A7C15L);
        int half = config.batchSize() / 2;
        double loss = 0;
        for (int step = 0; step < config.dSteps(); step++) {
            loss = discriminator.step(sample(real, half), sample(fakePool, half), config.lr(), config.l2());
        }
        rounds++;
        double realMean = real.stream().mapToDouble(discriminator::probability).average().orElse(0);
        double fakeMean = fakePool.stream().mapToDouble(discriminator::probability).average().orElse(0);
        long correct = real.stream().filter(x -> discriminator.probability(x) > 0.5).count()
                + fakePool.stream().filter(x -> discriminator.probability(x) < 0.5).count();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("discriminator/loss", loss);
        metrics.put("discriminator/accuracy", correct / (double) (real.size() + fakePool.size()));
        metrics.put("discriminator/d_real", realMean);
        metrics.put("discriminator/d_fake", fakeMean);
        return metrics;
    }

    @Override
    public byte[] saveState() {
        return SourceState.write(STATE_VERSION, out -> {
            out.writeInt(rounds);
            discriminator.write(out);
            out.writeInt(fake.size());
            for (String response : fake) {
                out.writeUTF(response);
            }
        });
    }

    @Override
    public void restoreState(byte[] state) {
        SourceState.read(state, STATE_VERSION, "the ngram discriminator", in -> {
            rounds = in.readInt();
            discriminator.read(in);
            fake.clear();
            for (int i = in.readInt(); i > 0; i--) {
                fake.addLast(in.readUTF());
            }
        });
    }

    private List<HashedNgramFeatures.SparseVector> sample(List<HashedNgramFeatures.SparseVector> pool, int count) {
        List<HashedNgramFeatures.SparseVector> batch = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            batch.add(pool.get(random.nextInt(pool.size())));
        }
        return batch;
    }
}
