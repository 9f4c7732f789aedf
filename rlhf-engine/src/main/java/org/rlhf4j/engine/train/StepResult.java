package org.rlhf4j.engine.train;

import java.util.Map;

/**
 * What one training step computed before the optimizer update.
 *
 * @param loss the batch loss
 * @param metrics the step's logged parts by name (without the phase prefix), averaged over the logging window
 */
public record StepResult(double loss, Map<String, Double> metrics) {
    public StepResult {
        metrics = Map.copyOf(metrics);
    }
}
