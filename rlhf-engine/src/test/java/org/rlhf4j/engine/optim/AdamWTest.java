package org.rlhf4j.engine.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.random.Rng;

class AdamWTest {
    @Test
    void scheduleWarmsUpLinearlyThenDecaysByCosine() {
        LrSchedule s = new LrSchedule(1.0, 4, 14, 0.1);
        assertEquals(0.25, s.lr(0), 1e-12);
        assertEquals(1.0, s.lr(3), 1e-12);
        assertEquals(1.0, s.lr(4), 1e-12);
        assertEquals(0.1 + 0.9 * 0.5, s.lr(9), 1e-12); // half-way through the decay
        assertEquals(0.1, s.lr(14), 1e-12);
        assertEquals(0.1, s.lr(100), 1e-12);
    }

    @Test
    void updatesMatchAHandComputedAdamWWithClipping() {
        check(false);
    }

    @Test
    void theFlatRouteForAllParametersMatchesTheSameHandComputedAdamW() {
        check(true);
    }

    @Test
    void aNormComputedOnceForTheCheckGivesTheSameUpdate() {
        TransformerConfig cfg = TransformerConfig.of(7, 8, 2, 1, 5);
        TransformerWeights a = TransformerWeights.init(cfg, Heads.LM, new Rng(2));
        TransformerWeights b = a.copy();
        AdamW once = new AdamW(a, new AdamW.Config(LrSchedule.constant(0.01), 0.9, 0.95, 1e-8, 0.01, 0.5));
        AdamW twice = new AdamW(b, new AdamW.Config(LrSchedule.constant(0.01), 0.9, 0.95, 1e-8, 0.01, 0.5));
        Rng rng = new Rng(3);
        for (int step = 0; step < 3; step++) {
            for (String name : a.names()) { // the optimizers' own buffers, as the engine's passes fill them
                INDArray g = once.gradientBuffers().get(name);
                for (long i = 0; i < g.length(); i++) {
                    g.putScalar(i, rng.nextGaussian());
                }
                twice.gradientBuffers().get(name).assign(g);
            }
            double norm = once.gradientNorm(once.gradientBuffers());
            assertEquals(org.rlhf4j.engine.optim.GradClip.globalNorm(once.gradientBuffers().values()), norm, 1e-5 * norm);
            assertEquals(twice.update(twice.gradientBuffers()), once.update(once.gradientBuffers(), norm), 0.0);
            for (String name : a.names()) {
                assertEquals(0, a.get(name).sub(b.get(name)).amaxNumber().doubleValue(), 0.0, name + " after step " + step);
            }
        }
    }

    /** @param allParams pass a (zero) gradient for every parameter, which takes the flat-buffer route */
    private static void check(boolean allParams) {
        TransformerConfig cfg = TransformerConfig.of(5, 4, 1, 1, 3);
        TransformerWeights w = TransformerWeights.init(cfg, Heads.LM, new Rng(1), DataType.DOUBLE);
        double lr = 0.1;
        double wd = 0.5;
        AdamW adam = new AdamW(w, new AdamW.Config(LrSchedule.constant(lr), 0.9, 0.99, 1e-8, wd, 1.0));
        double p0 = w.get("tok_emb").getDouble(0); // matrix: decayed
        double b0 = w.get("h0.mlp.b1").getDouble(0); // bias: not decayed
        double[] g1 = {3.0, 4.0}; // global norm 5 -> clipped to 1: (0.6, 0.8)
        double[] g2 = {0.3, -0.4}; // norm 0.5: not clipped
        double m = 0;
        double v = 0;
        double mb = 0;
        double vb = 0;
        double p = p0;
        double b = b0;
        double[][] gs = {g1, g2};
        for (int t = 1; t <= 2; t++) {
            Map<String, INDArray> grads = new LinkedHashMap<>();
            if (allParams) {
                w.names().forEach(n -> grads.put(n, w.get(n).ulike().assign(0)));
            }
            INDArray ge = Nd4j.zeros(DataType.DOUBLE, 5, 4);
            ge.putScalar(0, gs[t - 1][0]);
            INDArray gb = Nd4j.zeros(DataType.DOUBLE, 16);
            gb.putScalar(0, gs[t - 1][1]);
            grads.put("tok_emb", ge);
            grads.put("h0.mlp.b1", gb);
            double norm = adam.update(grads);
            assertEquals(Math.hypot(gs[t - 1][0], gs[t - 1][1]), norm, 1e-12);
            double scale = norm > 1 ? 1.0 / (norm + 1e-6) : 1.0;
            double ga = gs[t - 1][0] * scale;
            double gbv = gs[t - 1][1] * scale;
            m = 0.9 * m + 0.1 * ga;
            v = 0.99 * v + 0.01 * ga * ga;
            mb = 0.9 * mb + 0.1 * gbv;
            vb = 0.99 * vb + 0.01 * gbv * gbv;
            double stepSize = lr * Math.sqrt(1 - Math.pow(0.99, t)) / (1 - Math.pow(0.9, t));
            p = p * (1 - lr * wd) - stepSize * m / (Math.sqrt(v) + 1e-8);
            b = b - stepSize * mb / (Math.sqrt(vb) + 1e-8);
            assertEquals(p, w.get("tok_emb").getDouble(0), 1e-12, "step " + t);
            assertEquals(b, w.get("h0.mlp.b1").getDouble(0), 1e-12, "step " + t);
        }
        assertEquals(2, adam.step());
        if (allParams) {
            // untouched parameters: matrices only decayed, vectors unchanged; moments exported by name
            assertEquals(0.0, adam.exportArrays().get("adam.m.lm_head").amaxNumber().doubleValue());
            assertEquals(m, adam.exportArrays().get("adam.m.tok_emb").getDouble(0), 1e-12);
            assertEquals(0.0, w.get("ln_f.b").amaxNumber().doubleValue()); // zero-initialised bias, zero gradient
        }
    }
}
