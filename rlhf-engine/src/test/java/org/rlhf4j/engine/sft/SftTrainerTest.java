package org.rlhf4j.engine.sft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.LrSchedule;
import org.rlhf4j.engine.optim.TrainerState;
import org.rlhf4j.engine.random.Rng;

class SftTrainerTest {
    private static final int V = 24;
    private static final TransformerConfig CFG = TransformerConfig.of(V, 32, 4, 1, 16);

    /**
     * A toy language: a 2-token prompt (a, a+k) fixes a start and a stride k in {1,2,3}; the response
     * continues the arithmetic progression mod V. Fully predictable from the prompt.
     */
    static List<SftExample> corpus(Rng rng, int n) {
        List<SftExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int a = rng.nextInt(V);
            int k = 1 + rng.nextInt(3);
            int len = 10 + rng.nextInt(7);
            int[] t = new int[len];
            for (int j = 0; j < len; j++) {
                t[j] = (a + j * k) % V;
            }
            out.add(new SftExample(t, 2));
        }
        return out;
    }

    private static SftTrainer trainer(TransformerWeights w, int totalSteps) {
        return trainer(w, totalSteps, 2);
    }

    private static SftTrainer trainer(TransformerWeights w, int totalSteps, int workers) {
        AdamW.Config opt = new AdamW.Config(new LrSchedule(3e-3, 10, totalSteps, 0.1), 0.9, 0.95, 1e-8, 0.01, 1.0);
        return new SftTrainer(w, new SftTrainer.Config(16, 16, opt), new Rng(77), workers);
    }

    @Test
    void sftDrivesHeldOutPerplexityDownAndLeavesTheReferenceUntouched() {
        List<SftExample> train = corpus(new Rng(1), 400);
        List<SftExample> heldOut = corpus(new Rng(2), 100);
        TransformerWeights w = TransformerWeights.init(CFG, Heads.LM, new Rng(3));
        TransformerWeights reference = w.frozenCopy();
        Map<String, INDArray> refSnapshot = new java.util.HashMap<>();
        reference.asMap().forEach((k, v) -> refSnapshot.put(k, v.dup()));
        double before = SftTrainer.perplexity(w, heldOut, 16);
        SftTrainer t = trainer(w, 150);
        double[] losses = t.train(train, 150);
        double after = SftTrainer.perplexity(w, heldOut, 16);
        System.out.printf("SFT toy language: held-out perplexity %.3f -> %.3f; loss %.3f -> %.3f%n",
                before, after, losses[0], losses[losses.length - 1]);
        assertTrue(before > 15, "untrained perplexity should be near V=" + V + ": " + before);
        assertTrue(after < 2.0, "trained perplexity " + after);
        assertTrue(before / after > 10);
        // the reference copy is bit-identical to the initial weights, the policy moved
        for (String name : w.names()) {
            assertEquals(refSnapshot.get(name), reference.get(name), name);
            assertNotEquals(reference.get(name), w.get(name), name);
        }
        assertTrue(reference.isFrozen());
        assertThrows(IllegalArgumentException.class, () -> new AdamW(reference, AdamW.Config.defaults(LrSchedule.constant(1e-3))));
    }

    @Test
    void twoWorkersRepeatBitForBitAndAgreeWithOneWorkerToFloatRounding() {
        List<SftExample> train = corpus(new Rng(4), 100);
        double[][] losses = new double[3][];
        int[] workers = {2, 2, 1};
        for (int i = 0; i < 3; i++) {
            try (SftTrainer t = trainer(TransformerWeights.init(CFG, Heads.LM, new Rng(3)), 10, workers[i])) {
                assertEquals(workers[i], t.workers());
                losses[i] = t.train(train, 10);
            }
        }
        assertArrayEquals(losses[0], losses[1], 0.0);
        double worst = 0;
        for (int s = 0; s < losses[0].length; s++) {
            worst = Math.max(worst, Math.abs(losses[0][s] - losses[2][s]) / losses[2][s]);
        }
        System.out.println("SFT 2 workers vs 1 over 10 steps: worst relative loss difference " + worst);
        assertTrue(worst < 1e-5, "worst relative loss difference " + worst);
        assertTrue(losses[2][9] < losses[2][0] - 0.1, "the loss falls: " + java.util.Arrays.toString(losses[2]));
    }

    @Test
    void resumingFromAnExportedStateGivesIdenticalLosses() {
        List<SftExample> train = corpus(new Rng(4), 100); // 6 batches of 16 per epoch: crosses epochs
        SftTrainer a = trainer(TransformerWeights.init(CFG, Heads.LM, new Rng(3)), 20);
        assertEquals(2, a.workers());
        a.train(train, 7);
        TrainerState state = a.exportState();
        double[] uninterrupted = a.train(train, 8);

        SftTrainer b = trainer(TransformerWeights.init(CFG, Heads.LM, new Rng(999)), 20);
        b.importState(state);
        double[] resumed = b.train(train, 8);
        System.out.println("uninterrupted " + java.util.Arrays.toString(uninterrupted));
        assertArrayEquals(uninterrupted, resumed, 0.0);
        assertEquals(a.step(), b.step());
        for (String name : a.weights().names()) {
            assertEquals(a.weights().get(name), b.weights().get(name), name);
        }
    }
}
