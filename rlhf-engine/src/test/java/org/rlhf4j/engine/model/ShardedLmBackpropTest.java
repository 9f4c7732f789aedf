package org.rlhf4j.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.LrSchedule;
import org.rlhf4j.engine.random.Rng;

/** Data-parallel shards of a batch against the single pass: same loss, same summed gradients. */
class ShardedLmBackpropTest {
    private static final TransformerConfig CFG = TransformerConfig.of(40, 32, 4, 2, 12);
    private static final int B = 5; // uneven shards: 3 + 2 with two workers, 2 + 2 + 1 with three
    private static final int T = 12;

    private record Batch(int[][] ids, int[][] targets, float[][] mask) {}

    private static Batch batch(long seed) {
        Rng rng = new Rng(seed);
        float[][] mask = new float[B][T];
        for (int i = 0; i < B; i++) {
            for (int j = 0; j < T; j++) {
                // varying lengths; row 3 (the second shard with two workers) has more tokens than row 0
                mask[i][j] = j >= 2 && j < 4 + 2 * i ? 1 : 0;
            }
        }
        return new Batch(GraphVsNd4jTest.randomIds(rng, B, T, CFG.vocabSize()), GraphVsNd4jTest.randomIds(rng, B, T, CFG.vocabSize()), mask);
    }

    private static TransformerWeights weights(DataType dt) {
        TransformerWeights w = TransformerWeights.init(CFG, Heads.LM, new Rng(5), dt);
        w.asMap().values().forEach(a -> a.muli(a.rank() == 1 ? 1.0 : 5.0)); // larger than init: visible gradients everywhere
        return w;
    }

    /** Loss and copies of the gradients with {@code workers} shards. */
    private static double run(TransformerWeights w, int workers, Batch b, Map<String, INDArray> out) {
        try (ShardedLmBackprop bp = new ShardedLmBackprop(w, B, T, workers, Map.of())) {
            assertEquals(Math.min(workers, B), bp.workers());
            double loss = bp.lossAndGradients(b.ids(), b.targets(), b.mask());
            bp.gradients().forEach((k, v) -> out.put(k, v.dup()));
            return loss;
        }
    }

    @Test
    void shardsGiveTheSinglePassLossAndGradientsInDouble() {
        TransformerWeights w = weights(DataType.DOUBLE);
        Batch b = batch(1);
        Map<String, INDArray> single = new HashMap<>();
        double loss = run(w, 1, b, single);
        // the single pass is the plain Nd4jBackprop + LmLoss step
        Nd4jBackprop plain = new Nd4jBackprop(w, B, T);
        INDArray logits = plain.forward(b.ids());
        INDArray d = logits.ulike();
        assertEquals(LmLoss.maskedCrossEntropy(logits, b.targets(), b.mask(), d), loss, 0.0);
        plain.backward(d, null).forEach((k, v) -> assertEquals(v, single.get(k), k));
        for (int workers : new int[] {2, 3, 9}) {
            Map<String, INDArray> sharded = new HashMap<>();
            double l = run(w, workers, b, sharded);
            assertEquals(loss, l, 1e-12 * loss, workers + " workers");
            assertEquals(single.keySet(), sharded.keySet());
            for (String name : single.keySet()) {
                INDArray ref = single.get(name);
                double scale = ref.amaxNumber().doubleValue();
                assertTrue(scale > 1e-6, name + " has no gradient to compare");
                double diff = ref.sub(sharded.get(name)).amaxNumber().doubleValue();
                assertTrue(diff <= 1e-12 * scale, workers + " workers, " + name + ": |diff| " + diff + " of " + scale);
            }
        }
    }

    @Test
    void floatShardsMatchTheSinglePassAndRepeatBitForBit() {
        TransformerWeights w = weights(DataType.FLOAT);
        Batch b = batch(2);
        Map<String, INDArray> single = new HashMap<>();
        double loss = run(w, 1, b, single);
        Map<String, INDArray> first = new HashMap<>();
        Map<String, INDArray> second = new HashMap<>();
        double l1 = run(w, 2, b, first);
        double l2 = run(w, 2, b, second);
        assertEquals(loss, l1, 1e-5 * loss);
        assertEquals(l1, l2, 0.0, "two-worker loss repeats bit for bit");
        double worst = 0;
        for (String name : single.keySet()) {
            assertEquals(first.get(name), second.get(name), name + " repeats bit for bit");
            double scale = single.get(name).amaxNumber().doubleValue();
            worst = Math.max(worst, single.get(name).sub(first.get(name)).amaxNumber().doubleValue() / scale);
        }
        System.out.println("2 shards vs single pass (float): loss " + l1 + " vs " + loss + ", worst relative gradient diff " + worst);
        assertTrue(worst < 1e-5, "worst relative gradient diff " + worst);
    }

    @Test
    void summedGradientsLandInTheGivenBuffersAndRepeatedCallsOverwriteThem() {
        TransformerWeights w = weights(DataType.FLOAT);
        Map<String, INDArray> buffers = new AdamW(w, AdamW.Config.defaults(LrSchedule.constant(1e-3))).gradientBuffers();
        Batch a = batch(3);
        Batch c = batch(4);
        try (ShardedLmBackprop bp = new ShardedLmBackprop(w, B, T, 2, buffers)) {
            double la = bp.lossAndGradients(a.ids(), a.targets(), a.mask());
            bp.gradients().forEach((k, v) -> assertTrue(v == buffers.get(k), k + " not written into the given buffer"));
            Map<String, INDArray> ga = new HashMap<>();
            bp.gradients().forEach((k, v) -> ga.put(k, v.dup()));
            double lc = bp.lossAndGradients(c.ids(), c.targets(), c.mask());
            assertNotEquals(la, lc);
            // a call depends only on its batch, not on what the buffers held before
            assertEquals(la, bp.lossAndGradients(a.ids(), a.targets(), a.mask()), 0.0);
            bp.gradients().forEach((k, v) -> assertEquals(ga.get(k), v, k));
        }
    }

    @Test
    void allZeroMaskGivesZeroLossAndZeroGradients() {
        TransformerWeights w = weights(DataType.FLOAT);
        Batch b = batch(5);
        try (ShardedLmBackprop bp = new ShardedLmBackprop(w, B, T, 2, Map.of())) {
            bp.lossAndGradients(b.ids(), b.targets(), b.mask()); // dirty the buffers first
            assertEquals(0.0, bp.lossAndGradients(b.ids(), b.targets(), new float[B][T]));
            bp.gradients().forEach((k, v) -> assertEquals(0.0, v.amaxNumber().doubleValue(), k));
        }
    }

    @Test
    void shardLossesWithTheBatchNormaliserAddUpToTheBatchLoss() {
        INDArray logits = org.nd4j.linalg.factory.Nd4j.rand(DataType.DOUBLE, 4, 7);
        int[][] targets = {{1, 6}, {0, 2}};
        float[][] mask = {{1, 0}, {1, 1}};
        double whole = LmLoss.maskedCrossEntropy(logits, targets, mask, logits.ulike());
        INDArray top = logits.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2)).dup();
        INDArray bottom = logits.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 4)).dup();
        double n = LmLoss.maskSum(mask);
        assertEquals(3.0, n);
        double parts = LmLoss.maskedCrossEntropy(top, new int[][] {targets[0]}, new float[][] {mask[0]}, n, top.ulike())
                + LmLoss.maskedCrossEntropy(bottom, new int[][] {targets[1]}, new float[][] {mask[1]}, n, bottom.ulike());
        assertEquals(whole, parts, 1e-12);
        assertThrows(IllegalArgumentException.class,
                () -> LmLoss.maskedCrossEntropy(top, new int[][] {targets[0]}, new float[][] {mask[0]}, 0.0, top.ulike()));
    }

    /**
     * Native threads inherit their creator's name: an OpenMP team or BLAS threads started by a worker would
     * show up under its prefix. Runs in a child JVM WITHOUT {@code OMP_NUM_THREADS} (surefire sets it to 1,
     * which would hide the per-thread OpenMP default of one thread per core that the workers must override).
     */
    @Test
    void eachWorkerRunsItsOperationsOnItsOwnThreadOnly() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(java.nio.file.Paths.get("/proc/self/task")),
                "needs Linux /proc");
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(javaBin, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                ShardedLmBackpropTest.class.getName()).redirectErrorStream(true);
        builder.environment().remove("OMP_NUM_THREADS");
        Process child = builder.start();
        String out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "child still running");
        assertEquals(0, child.exitValue(), out);
        assertTrue(out.contains("worker threads: 2\n"), out);
    }

    /** The child of {@link #eachWorkerRunsItsOperationsOnItsOwnThreadOnly}: counts the threads named after the workers. */
    public static void main(String[] args) throws java.io.IOException {
        TransformerWeights w = weights(DataType.FLOAT);
        Batch b = batch(7);
        try (ShardedLmBackprop bp = new ShardedLmBackprop(w, B, T, 2, Map.of())) {
            bp.lossAndGradients(b.ids(), b.targets(), b.mask());
            long named = 0;
            try (var dirs = java.nio.file.Files.list(java.nio.file.Paths.get("/proc/self/task"))) {
                for (java.nio.file.Path t : (Iterable<java.nio.file.Path>) dirs::iterator) {
                    try {
                        named += java.nio.file.Files.readString(t.resolve("comm")).trim().startsWith(bp.threadNamePrefix()) ? 1 : 0;
                    } catch (java.io.IOException gone) {
                        // the thread ended meanwhile
                    }
                }
            }
            System.out.println("worker threads: " + named);
        }
    }

    @Test
    void shardedLogProbScoringMatchesTheSinglePassAndRepeats() {
        TransformerWeights w = weights(DataType.FLOAT);
        Batch b = batch(8);
        float[][] single = new Nd4jForward(w, 1).tokenLogProbs(b.ids(), b.targets());
        Nd4jForward two = new Nd4jForward(w, 2);
        float[][] first = two.tokenLogProbs(b.ids(), b.targets());
        float[][] again = two.tokenLogProbs(b.ids(), b.targets());
        float[][] three = new Nd4jForward(w, 3).tokenLogProbs(b.ids(), b.targets());
        double worst = 0;
        for (int i = 0; i < B; i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(first[i], again[i], 0f, "row " + i + " repeats bit for bit");
            for (int j = 0; j < T; j++) {
                assertTrue(single[i][j] < 0, "a log-prob");
                worst = Math.max(worst, Math.max(Math.abs(single[i][j] - first[i][j]), Math.abs(single[i][j] - three[i][j])));
            }
        }
        assertTrue(worst < 1e-5, "worst |diff| " + worst);
        // the single pass is Nd4jBackprop's forward + LmLoss.targetLogProbs
        Nd4jBackprop plain = new Nd4jBackprop(w, B, T);
        INDArray logits = plain.forward(b.ids());
        float[][] ref = LmLoss.targetLogProbs(logits, b.targets(), logits.ulike());
        for (int i = 0; i < B; i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(ref[i], single[i], 0f);
        }
    }

    @Test
    void rejectsBadShapesAndAHeadlessModel() {
        TransformerWeights w = weights(DataType.FLOAT);
        assertThrows(IllegalArgumentException.class, () -> new ShardedLmBackprop(w, B, T, 0, Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new ShardedLmBackprop(TransformerWeights.init(CFG, Heads.SCALAR, new Rng(1)), B, T, 2, Map.of()));
        try (ShardedLmBackprop bp = new ShardedLmBackprop(w, B, T, 2, Map.of())) {
            Batch b = batch(6);
            assertThrows(IllegalArgumentException.class, () -> bp.lossAndGradients(new int[B - 1][T], b.targets(), b.mask()));
            int[][] badIds = b.ids().clone();
            badIds[4] = new int[] {999};
            // a failure in the second shard (another thread) reaches the caller as itself
            assertThrows(IllegalArgumentException.class, () -> bp.lossAndGradients(badIds, b.targets(), b.mask()));
        }
    }
}
