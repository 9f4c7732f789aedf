package org.rlhf4j.feedback.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;
import org.rlhf4j.api.config.ConfigBinder;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.feedback.FeedbackContext;

/**
 * The adversarial schedule of {@link AdversarialDiscriminatorSource}, driven as an online algorithm drives its reward
 * seam (observe the fresh rollouts, score them, update the policy) with a mocked network and a mocked policy update:
 * the discriminator steps come in the configured number and ratio, before the policy update they feed, on the
 * configured mix of real and fake rows, and a step whose batch is already classified above the cap is not applied.
 */
class TestAdversarialSchedule {
    private static final List<Completion> DEMOS = List.of(new Completion("the kettle is", "great, it boils fast."),
            new Completion("the lamp is", "bright and sturdy."));

    /** The policy phase of one step (a GRPO update). */
    interface Policy {
        void update(List<Double> rewards);
    }

    private static GanDiscriminatorConfig config(String json) throws Exception {
        return ConfigBinder.MAPPER.readValue(json, GanDiscriminatorConfig.class);
    }

    private static List<Completion> rollouts(int step) {
        return List.of(new Completion("the mug is", "fine " + step + "."), new Completion("the mug is", "bad " + step + "."));
    }

    /** One online step as GrpoAlgorithm runs it: observe, score, update the policy. */
    private static void policyStep(AdversarialDiscriminatorSource source, Policy policy, int step) {
        FeedbackContext context = new FeedbackContext("rlgaf", step, 100 + step);
        source.observe(rollouts(step), context);
        policy.update(source.score(rollouts(step), context).stream().map(score -> score.reward()).toList());
    }

    @Test
    void kDiscriminatorStepsEveryNthPolicyStepBeforeThePolicyUpdate() throws Exception {
        Discriminator network = mock(Discriminator.class);
        when(network.logits(any())).thenAnswer(call -> new double[((List<?>) call.getArgument(0)).size()]);
        // a batch the network gets half right: accuracy 0.5, under the cap
        when(network.computeStep(any(), any())).thenReturn(new Discriminator.Step(0.7, new double[] {1, -1, 1, -1}));
        Policy policy = mock(Policy.class);
        AdversarialDiscriminatorSource source = new AdversarialDiscriminatorSource("gan-discriminator",
                config("{\"d_steps\": 3, \"policy_steps_per_round\": 2, \"batch_size\": 4, \"label_smoothing\": 0.2}"), DEMOS, 7, () -> network);
        source.open(new FeedbackContext("rlgaf", 0, 0));
        for (int step = 1; step <= 4; step++) {
            policyStep(source, policy, step);
        }
        InOrder order = inOrder(network, policy);
        // step 1: measured (demonstrations, then the fresh fakes), no round; the policy updates on the scores
        order.verify(network, times(2)).logits(any());
        order.verify(policy).update(any());
        // step 2 ends a round: 3 discriminator steps, each applied, the fresh fakes scored again, then the policy
        order.verify(network, times(2)).logits(any());
        for (int k = 0; k < 3; k++) {
            order.verify(network).computeStep(any(), any());
            order.verify(network).update();
        }
        order.verify(network).logits(rollouts(2));
        order.verify(policy).update(any());
        // step 3: no round; step 4: the next round
        order.verify(network, times(2)).logits(any());
        order.verify(policy).update(any());
        order.verify(network, times(2)).logits(any());
        order.verify(network, times(3)).computeStep(any(), any());
        order.verify(policy).update(any());
        verify(network, times(6)).update();

        // the batch: 2 demonstrations (target 1 - label_smoothing), then 2 fakes of the round's pooled rollouts (target 0)
        ArgumentCaptor<List<Completion>> batches = captor();
        ArgumentCaptor<double[]> targets = ArgumentCaptor.forClass(double[].class);
        verify(network, times(6)).computeStep(batches.capture(), targets.capture());
        assertArrayEquals(new double[] {0.8, 0.8, 0, 0}, targets.getValue(), 0.0);
        List<Completion> last = batches.getValue();
        assertEquals(true, DEMOS.containsAll(last.subList(0, 2)), last.toString());
        List<Completion> pooled = List.of(rollouts(3).get(0), rollouts(3).get(1), rollouts(4).get(0), rollouts(4).get(1));
        assertEquals(true, pooled.containsAll(last.subList(2, 4)), last.toString());
    }

    @Test
    void aStepAboveTheAccuracyCapIsNotApplied() throws Exception {
        Discriminator network = mock(Discriminator.class);
        when(network.logits(any())).thenAnswer(call -> new double[((List<?>) call.getArgument(0)).size()]);
        // all four rows on the right side: accuracy 1 > cap 0.9
        when(network.computeStep(any(), any())).thenReturn(new Discriminator.Step(0.1, new double[] {3, 2, -2, -3}));
        AdversarialDiscriminatorSource source = new AdversarialDiscriminatorSource("gan-discriminator",
                config("{\"d_steps\": 2, \"batch_size\": 4, \"accuracy_cap\": 0.9}"), DEMOS, 7, () -> network);
        source.open(new FeedbackContext("rlgaf", 0, 0));
        Map<String, Double> metrics = source.observe(rollouts(1), new FeedbackContext("rlgaf", 1, 1));
        verify(network, times(2)).computeStep(any(), any());
        verify(network, never()).update();
        assertEquals(2.0, metrics.get("discriminator/capped_steps"));
        assertEquals(0.0, metrics.get("discriminator/updates"));
        // the scores of the observed rollouts are the measurement's (no update): no further pass
        source.score(rollouts(1), new FeedbackContext("rlgaf", 1, 1));
        verify(network, times(2)).logits(any());
        verify(network, never()).logits(eq(DEMOS));
    }

    @Test
    void metricsAreTheMeasurementBeforeTheRoundAndTheRewardAfterIt() throws Exception {
        Discriminator network = mock(Discriminator.class);
        // demonstrations measured at logits (2, -1), fakes at (-3, 1); after the update the fakes are at (-1, 0)
        when(network.logits(any())).thenReturn(new double[] {2, -1}, new double[] {-3, 1}, new double[] {-1, 0});
        when(network.computeStep(any(), any())).thenReturn(new Discriminator.Step(0.5, new double[] {1, -1, -1, 1}));
        AdversarialDiscriminatorSource source = new AdversarialDiscriminatorSource("gan-discriminator",
                config("{\"d_steps\": 1, \"batch_size\": 4, \"reward\": \"log_d\"}"), DEMOS, 7, () -> network);
        source.open(new FeedbackContext("rlgaf", 0, 0));
        Map<String, Double> m = source.observe(rollouts(1), new FeedbackContext("rlgaf", 1, 1));
        assertEquals(0.5, m.get("discriminator/accuracy_real"));
        assertEquals(0.5, m.get("discriminator/accuracy_fake"));
        assertEquals(0.5, m.get("discriminator/accuracy"));
        assertEquals((sigmoid(2) + sigmoid(-1)) / 2, m.get("discriminator/d_real"), 1e-15);
        assertEquals((sigmoid(-3) + sigmoid(1)) / 2, m.get("discriminator/d_fake"), 1e-15);
        // cross-entropy: -log D on demonstrations, -log(1 - D) on fakes, over 4 rows
        double loss = (-Math.log(sigmoid(2)) - Math.log(sigmoid(-1)) - Math.log(1 - sigmoid(-3)) - Math.log(1 - sigmoid(1))) / 4;
        assertEquals(loss, m.get("discriminator/loss"), 1e-12);
        // reward log D after the update, and score() gives the same values without another pass
        assertEquals((Math.log(sigmoid(-1)) + Math.log(sigmoid(0))) / 2, m.get("discriminator/reward"), 1e-12);
        double[] rewards = source.score(rollouts(1), new FeedbackContext("rlgaf", 1, 1)).stream().mapToDouble(s -> s.reward()).toArray();
        assertArrayEquals(new double[] {Math.log(sigmoid(-1)), Math.log(sigmoid(0))}, rewards, 1e-12);
        verify(network, times(3)).logits(any());
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    @SuppressWarnings("unchecked")
    private static ArgumentCaptor<List<Completion>> captor() {
        return ArgumentCaptor.forClass((Class<List<Completion>>) (Class<?>) List.class);
    }
}
