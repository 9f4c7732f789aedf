package org.rlhf4j.algorithms.loss;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.engine.model.GradientChecker;

/**
 * A pairwise loss's two score (or log-prob) vectors as named double arrays, so that {@link GradientChecker}
 * can compare {@code dFirst}/{@code dSecond} with finite differences of the loss itself.
 */
final class PairInputs {
    private PairInputs() {}

    /**
     * Checks {@code loss}'s analytic gradient at {@code first}/{@code second} against central differences; {@code loss}
     * maps the current first and second vectors to the {@link PairLoss}.
     */
    static GradientChecker.Report check(GradientChecker checker, String label, double[] first, double[] second,
            java.util.function.BiFunction<double[], double[], PairLoss> loss) {
        Map<String, INDArray> params = new LinkedHashMap<>();
        params.put("first", Nd4j.createFromArray(first.clone()));
        params.put("second", Nd4j.createFromArray(second.clone()));
        ToDoubleFunction<Map<String, INDArray>> value =
                p -> loss.apply(p.get("first").toDoubleVector(), p.get("second").toDoubleVector()).loss();
        PairLoss at = loss.apply(first, second);
        Map<String, INDArray> analytic = new LinkedHashMap<>();
        analytic.put("first", Nd4j.createFromArray(at.dFirst()));
        analytic.put("second", Nd4j.createFromArray(at.dSecond()));
        return checker.check(label, params, analytic, () -> value.applyAsDouble(params));
    }
}
