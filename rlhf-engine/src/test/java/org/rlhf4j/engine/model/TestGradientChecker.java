package org.rlhf4j.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.opentest4j.AssertionFailedError;
import org.rlhf4j.engine.random.Rng;

/**
 * The gradient checker itself: it passes a true gradient with a tiny error, fails a wrong one (a 1% error, a gradient
 * left at zero), refuses float weights, and the extension hands out checkers configured by the nearest settings.
 * The test loss is {@code L = sum(a^3) + sum(sin(b))}, gradient {@code (3 a^2, cos b)}.
 */
@ExtendWith(GradientCheckExtension.class)
@GradientCheckSettings(samplesPerParameter = 5)
class TestGradientChecker {
    private final Map<String, INDArray> params = new LinkedHashMap<>();
    private final DoubleSupplier loss = () -> Transforms.pow(params.get("a"), 3).sumNumber().doubleValue()
            + Transforms.sin(params.get("b")).sumNumber().doubleValue();

    TestGradientChecker() {
        params.put("a", Nd4j.createFromArray(new double[][] {{0.5, -1.25, 2.0}, {0.1, 0.0, -0.7}}));
        params.put("b", Nd4j.createFromArray(0.3, 2.5, -1.0, 4.0));
    }

    private Map<String, INDArray> gradient(double scaleA) {
        Map<String, INDArray> g = new LinkedHashMap<>();
        g.put("a", params.get("a").mul(params.get("a")).muli(3 * scaleA));
        g.put("b", Transforms.cos(params.get("b")));
        return g;
    }

    @Test
    @GradientCheckSettings(samplesPerParameter = 10)
    void passesTheTrueGradientEntryByEntry(GradientChecker checker) {
        assertEquals(10, checker.settings().samplesPerParameter(), "the method's settings win over the class's");
        GradientChecker.Report report = checker.check("sum(a^3) + sum(sin b)", params, gradient(1.0), loss);
        assertEquals(2, report.parameters());
        assertEquals(10, report.entries(), "every entry of both arrays (6 + 4), none twice");
        assertTrue(report.worstRelative() < 1e-8, report.summary());
        assertEquals(loss.getAsDouble(), report.loss(), 0.0);
        assertEquals(1, checker.reports().size());
    }

    @Test
    void failsAGradientOffByOnePercent() {
        GradientChecker checker = GradientChecker.withDefaults();
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> checker.check("off by 1%", params, gradient(1.01), loss));
        assertTrue(e.getMessage().contains("a["), e.getMessage());
        assertTrue(checker.reports().get(0).worstRelative() > 4e-3, checker.reports().get(0).summary());
    }

    @Test
    void failsAGradientLeftAtZeroWhereTheLossMoves() {
        Map<String, INDArray> g = gradient(1.0);
        g.get("b").assign(0);
        assertThrows(AssertionFailedError.class, () -> GradientChecker.withDefaults().check("b left at zero", params, g, loss));
    }

    @Test
    void refusesFloatWeightsAndAGradientMissingAParameter(GradientChecker checker) {
        TransformerConfig config = TransformerConfig.of(5, 4, 1, 1, 3);
        TransformerWeights single = TransformerWeights.init(config, Heads.LM, new Rng(1), DataType.FLOAT);
        assertThrows(AssertionFailedError.class, () -> GradientChecker.withDefaults().check("float", single, single.asMap(), () -> 0));
        TransformerWeights w = GradientChecker.curvedWeights(config, Heads.LM, 1);
        Map<String, INDArray> partial = new LinkedHashMap<>(w.asMap());
        partial.remove("lm_head");
        assertThrows(AssertionFailedError.class, () -> GradientChecker.withDefaults().check("partial", w, partial, () -> 0));
        // the checker the extension injected: the class's settings; it must run a check, or the extension fails the test
        assertEquals(5, checker.settings().samplesPerParameter());
        checker.check("sum(a^3) + sum(sin b), sampled", params, gradient(1.0), loss);
    }
}
