package org.rlhf4j.feedback.gan;

import static java.util.Objects.requireNonNull;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.LearningFeedbackSource;
import org.rlhf4j.api.feedback.Provenance;
import org.rlhf4j.api.feedback.Score;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.random.Seeds;

/**
 * RLGAF (Yu et al. 2023) as a learning feedback source: a {@link Discriminator} learns expert demonstrations ("real")
 * against the policy's samples ("fake"), and its judgement of a response is the reward. The adversarial schedule lives
 * here, so every algorithm drives it through the one reward seam: an online algorithm shows the source each batch of
 * fresh rollouts ({@link #observe}) and then scores them ({@link #score}), then updates the policy.
 *
 * <p>Each {@code observe} adds the samples to the round's fresh fakes; every {@code policy_steps_per_round}-th call is
 * a discriminator round of {@code d_steps} steps, each on {@code batch_size / 2} demonstrations (target
 * {@code 1 - label_smoothing}) and as many fakes (target 0), a {@code replay} share of them from the buffer of older
 * fakes, the rest from the round's fresh ones; a step whose batch the discriminator already classifies with accuracy
 * above {@code accuracy_cap} is not applied. The fresh fakes then join the buffer (the newest {@code fake_buffer}).
 * Before the round, the discriminator is measured on the fresh fakes (unseen) and as many demonstrations: those are
 * the logged {@code discriminator/accuracy_real}, {@code discriminator/accuracy_fake}, {@code discriminator/d_real},
 * {@code discriminator/d_fake} and {@code discriminator/loss}; {@code discriminator/reward} is the mean reward of the
 * fresh fakes after it, {@code discriminator/updates} and {@code discriminator/capped_steps} count the round's
 * applied and skipped steps. Every call reports every metric, so an algorithm's logging window averages them.
 *
 * <p>Minibatches are drawn from a seed derived from the call's {@link FeedbackContext#seed()}; the state (network,
 * optimizer, buffer, pending fakes, calls so far) is saved and restored whole, so a resumed run continues exactly.
 */
final class AdversarialDiscriminatorSource implements LearningFeedbackSource {
    private static final int STATE_VERSION = 1;

    private final String type;
    private final GanDiscriminatorConfig config;
    private final List<Completion> demonstrations;
    private final long seed;
    private final Supplier<Discriminator> networks;
    private final Deque<Completion> buffer = new ArrayDeque<>();
    private final List<Completion> pending = new ArrayList<>();
    private Discriminator network;
    private long calls;
    private List<Completion> cachedCompletions = List.of();
    private double[] cachedLogits = new double[0];

    /**
     * @param type the registered type, for provenance
     * @param config the settings
     * @param demonstrations the real examples (at least one)
     * @param seed the source's seed
     * @param networks builds the network when the source is opened (the engine's policy exists by then)
     */
    AdversarialDiscriminatorSource(String type, GanDiscriminatorConfig config, List<Completion> demonstrations, long seed,
            Supplier<Discriminator> networks) {
        this.type = requireNonNull(type, "type is null");
        this.config = requireNonNull(config, "config is null");
        this.demonstrations = List.copyOf(demonstrations);
        if (this.demonstrations.isEmpty()) {
            throw new IllegalArgumentException("no demonstrations");
        }
        this.seed = seed;
        this.networks = requireNonNull(networks, "networks is null");
    }

    @Override
    public void open(FeedbackContext context) {
        if (network == null) {
            network = networks.get();
        }
    }

    private Discriminator network() {
        if (network == null) {
            throw new IllegalStateException("the discriminator is not open");
        }
        return network;
    }

    @Override
    public boolean givesScores() {
        return true;
    }

    @Override
    public List<Score> score(List<Completion> completions, FeedbackContext context) {
        double[] logits = completions.equals(cachedCompletions) ? cachedLogits : network().logits(completions);
        Provenance provenance = new Provenance(type, "discriminator@call-" + calls, Instant.now());
        List<Score> scores = new ArrayList<>(completions.size());
        for (int i = 0; i < completions.size(); i++) {
            scores.add(Score.of(completions.get(i), config.reward().of(logits[i]), provenance));
        }
        return scores;
    }

    @Override
    public Map<String, Double> observe(List<Completion> policySamples, FeedbackContext context) {
        Discriminator d = network();
        List<Completion> fresh = List.copyOf(policySamples);
        calls++;
        pending.addAll(fresh);
        Rng rng = new Rng(Seeds.derive(seed, "round", Long.toString(context.seed()), Long.toString(calls)));

        // measured before the round: the fresh fakes are unseen, as are (mostly) the sampled demonstrations
        List<Completion> probe = sample(demonstrations, fresh.size(), rng);
        double[] realLogits = d.logits(probe);
        double[] fakeLogits = d.logits(fresh);

        int updates = 0;
        int capped = 0;
        boolean round = calls % config.policyStepsPerRound() == 0 && config.dSteps() > 0 && !pending.isEmpty();
        if (round) {
            List<Completion> older = new ArrayList<>(buffer);
            int realRows = config.batchSize() / 2;
            int fakeRows = config.batchSize() - realRows;
            int replayRows = older.isEmpty() ? 0 : (int) Math.round(config.replay() * fakeRows);
            for (int k = 0; k < config.dSteps(); k++) {
                List<Completion> batch = new ArrayList<>(config.batchSize());
                batch.addAll(sample(demonstrations, realRows, rng));
                batch.addAll(sample(pending, fakeRows - replayRows, rng));
                batch.addAll(sample(older, replayRows, rng));
                double[] targets = new double[batch.size()];
                for (int i = 0; i < realRows; i++) {
                    targets[i] = 1 - config.labelSmoothing();
                }
                Discriminator.Step step = d.computeStep(batch, targets);
                if (!Double.isFinite(step.loss())) {
                    continue; // a non-finite loss or gradient: no update
                }
                if (accuracy(step.logits(), realRows) > config.accuracyCap()) {
                    capped++;
                    continue;
                }
                d.update();
                updates++;
            }
            for (Completion completion : pending) {
                buffer.addLast(completion);
                if (buffer.size() > config.fakeBuffer()) {
                    buffer.removeFirst();
                }
            }
            pending.clear();
        }
        cachedCompletions = fresh;
        cachedLogits = updates > 0 ? d.logits(fresh) : fakeLogits;

        double[] logits = new double[realLogits.length + fakeLogits.length];
        System.arraycopy(realLogits, 0, logits, 0, realLogits.length);
        System.arraycopy(fakeLogits, 0, logits, realLogits.length, fakeLogits.length);
        double loss = 0;
        double dReal = 0;
        double dFake = 0;
        int realRight = 0;
        int fakeRight = 0;
        for (double z : realLogits) {
            loss += GanDiscriminatorConfig.RewardForm.softplus(-z);
            dReal += GanDiscriminatorConfig.RewardForm.sigmoid(z);
            realRight += z > 0 ? 1 : 0;
        }
        for (double z : fakeLogits) {
            loss += GanDiscriminatorConfig.RewardForm.softplus(z);
            dFake += GanDiscriminatorConfig.RewardForm.sigmoid(z);
            fakeRight += z < 0 ? 1 : 0;
        }
        double reward = 0;
        for (double z : cachedLogits) {
            reward += config.reward().of(z);
        }
        int n = Math.max(1, fresh.size());
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("discriminator/loss", loss / Math.max(1, logits.length));
        metrics.put("discriminator/accuracy", (realRight + fakeRight) / (double) Math.max(1, logits.length));
        metrics.put("discriminator/accuracy_real", realRight / (double) n);
        metrics.put("discriminator/accuracy_fake", fakeRight / (double) n);
        metrics.put("discriminator/d_real", dReal / n);
        metrics.put("discriminator/d_fake", dFake / n);
        metrics.put("discriminator/reward", reward / n);
        metrics.put("discriminator/updates", (double) updates);
        metrics.put("discriminator/capped_steps", (double) capped);
        return metrics;
    }

    /** The share of a batch (real rows first) on the right side of 0. */
    private static double accuracy(double[] logits, int realRows) {
        int right = 0;
        for (int i = 0; i < logits.length; i++) {
            right += (i < realRows ? logits[i] > 0 : logits[i] < 0) ? 1 : 0;
        }
        return logits.length > 0 ? (double) right / logits.length : 0;
    }

    private static List<Completion> sample(List<Completion> pool, int count, Rng rng) {
        List<Completion> out = new ArrayList<>(count);
        for (int i = 0; i < count && !pool.isEmpty(); i++) {
            out.add(pool.get(rng.nextInt(pool.size())));
        }
        return out;
    }

    @Override
    public byte[] saveState() {
        return SourceState.write(STATE_VERSION, out -> {
            out.writeLong(calls);
            network().write(out);
            writeCompletions(out, buffer);
            writeCompletions(out, pending);
        });
    }

    @Override
    public void restoreState(byte[] state) {
        SourceState.read(state, STATE_VERSION, "the transformer discriminator", in -> {
            calls = in.readLong();
            network().read(in);
            buffer.clear();
            buffer.addAll(readCompletions(in));
            pending.clear();
            pending.addAll(readCompletions(in));
            cachedCompletions = List.of();
            cachedLogits = new double[0];
        });
    }

    private static void writeCompletions(DataOutputStream out, java.util.Collection<Completion> completions) throws IOException {
        out.writeInt(completions.size());
        for (Completion completion : completions) {
            out.writeUTF(completion.prompt());
            out.writeUTF(completion.response());
        }
    }

    private static List<Completion> readCompletions(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<Completion> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Completion(in.readUTF(), in.readUTF()));
        }
        return out;
    }

    @Override
    public void close() {
        if (network != null) {
            network.close();
            network = null;
        }
    }
}
