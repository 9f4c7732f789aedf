package org.rlhf4j.engine.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.engine.optim.GradientComputer;
import org.rlhf4j.engine.random.Rng;

/** Analytic SameDiff gradients vs central finite differences, in double precision. */
@ExtendWith(GradientCheckExtension.class)
@GradientCheckSettings(tolerance = 1e-4)
class GradientCheckTest {
    private static final TransformerConfig CFG = TransformerConfig.of(11, 8, 2, 2, 6);
    private static final int B = 2;
    private static final int T = 5;

    private static TransformerWeights weights(Heads heads) {
        // larger-than-init values so that every term (attention, layer norm) has visible curvature
        return GradientChecker.curved(TransformerWeights.init(CFG, heads, new Rng(11), DataType.DOUBLE), 5);
    }

    @Test
    void maskedCrossEntropyGradientsMatchFiniteDifferences(GradientChecker checker) {
        TransformerWeights w = weights(Heads.LM);
        TransformerGraph g = TransformerGraph.lm(w, B, T);
        SDVariable loss = g.addLmLoss();
        int[][] ids = {{1, 4, 2, 9, 3}, {10, 0, 5, 5, 7}};
        Map<String, INDArray> in = g.inputs(ids);
        in.put(TransformerGraph.TARGETS, Nd4j.createFromArray(new int[][] {{4, 2, 9, 3, 1}, {0, 5, 5, 7, 8}}));
        in.put(TransformerGraph.LOSS_MASK, Nd4j.createFromArray(new double[][] {{0, 0, 1, 1, 1}, {0, 1, 1, 1, 0}}));
        check(checker, g, loss.name(), ids, in, List.of("tok_emb", "pos_emb", "h0.ln1.g", "h0.ln1.b", "h0.attn.wqkv", "h0.attn.bqkv",
                "h1.attn.wo", "h1.attn.bo", "h1.mlp.w1", "h0.mlp.w2", "h1.ln2.g", "ln_f.g", "ln_f.b", "lm_head"));
    }

    @Test
    void scalarHeadGradientsMatchFiniteDifferences(GradientChecker checker) {
        TransformerWeights w = weights(Heads.SCALAR);
        TransformerGraph g = TransformerGraph.scalar(w, B, T);
        // loss = sum(reward * c) + 0.3 * sum(values * d): exercises both outputs
        SDVariable c = g.sameDiff().constant("c", Nd4j.createFromArray(new double[] {0.7, -1.3}));
        SDVariable d = g.sameDiff().constant("d", Nd4j.createFromArray(new double[][] {{1, -2, 0.5, 0, 1}, {0.2, 0, 1, -1, 3}}));
        SDVariable loss = g.reward().mul(c).sum().add(g.values().mul(d).sum().mul(0.3)).rename("scalar_loss");
        g.sameDiff().setLossVariables(loss);
        int[][] ids = {{1, 4, 2, 9, 3}, {10, 0, 5, 5, 7}};
        Map<String, INDArray> in = g.inputs(ids);
        in.put(TransformerGraph.LAST_MASK, Nd4j.createFromArray(new double[][] {{0, 0, 0, 0, 1}, {0, 0, 1, 0, 0}}));
        check(checker, g, loss.name(), ids, in, List.of("tok_emb", "pos_emb", "h0.attn.wqkv", "h1.attn.bqkv", "h1.mlp.b1", "ln_f.g", "head.w", "head.b"));
    }

    private static void check(GradientChecker checker, TransformerGraph g, String lossName, int[][] ids, Map<String, INDArray> in,
            List<String> params) {
        GradientComputer.Result r = g.lossAndGradients(lossName, ids, in);
        assertTrue(r.gradients().keySet().containsAll(g.paramNames()));
        Map<String, INDArray> grads = new java.util.HashMap<>();
        r.gradients().forEach((k, v) -> grads.put(k, v.dup()));
        // the embedding lookup happens when the inputs are built, so rebuild them for every evaluation
        Supplier<Double> lossFn = () -> {
            Map<String, INDArray> fresh = new java.util.HashMap<>(in);
            fresh.putAll(g.inputs(ids));
            return g.output(fresh, lossName).get(lossName).getDouble(0);
        };
        double base = lossFn.get();
        assertTrue(Math.abs(base - r.loss()) < 1e-12, "loss from gradient pass " + r.loss() + " vs forward " + base);
        // a second pass (fresh inputs, same values) gives the same gradients: no stale session arrays
        GradientComputer.Result again = g.lossAndGradients(lossName, ids, new java.util.HashMap<>(in) {{ putAll(g.inputs(ids)); }});
        grads.forEach((k, v) -> assertTrue(v.equals(again.gradients().get(k)), "second pass differs for " + k));
        // the SameDiff graph costs ~0.4 ms per op: a subset of the parameters, 6 entries each
        checker.check("SameDiff " + lossName, g.weights(), grads, lossFn::get, params);
    }
}
