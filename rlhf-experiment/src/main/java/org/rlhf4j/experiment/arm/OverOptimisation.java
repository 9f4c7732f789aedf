package org.rlhf4j.experiment.arm;

import java.util.List;
import java.util.Optional;

/**
 * Over-optimisation (Gao et al. 2022) read from the gold monitor's measurements of a policy during training: the
 * proxy reward it optimises went on rising after gold reward's best measurement while gold fell by more than
 * {@link #DROP}.
 */
final class OverOptimisation {
    /**
     * How far gold reward must fall below its peak, while the proxy rises, for a warning: twice the standard error of a
     * measurement's mean (32 samples of a gold reward with sd ~0.3 to 0.5), so that noise alone rarely warns (a drop of
     * 0.05 from 0.788 after 200 GRPO steps was noise: the full evaluation stayed at 0.768).
     */
    static final double DROP = 0.1;

    /** One measurement of the gold monitor. */
    record Point(long step, double goldReward, double proxyReward) {}

    private OverOptimisation() {}

    /** The warning for {@code arm}'s measurements, in step order, when they show over-optimisation. */
    static Optional<String> warning(String arm, List<Point> points) {
        if (points.isEmpty()) {
            return Optional.empty();
        }
        Point best = points.get(0);
        for (Point point : points) {
            if (point.goldReward() > best.goldReward()) {
                best = point;
            }
        }
        Point last = points.get(points.size() - 1);
        double goldDrop = best.goldReward() - last.goldReward();
        double proxyRise = last.proxyReward() - best.proxyReward();
        if (goldDrop > DROP && proxyRise > 0) {
            return Optional.of(String.format("arm %s: over-optimisation: after step %d the proxy reward rose by %.3f while gold reward "
                    + "fell by %.3f (from %.3f to %.3f at step %d)", arm, best.step(), proxyRise, goldDrop, best.goldReward(),
                    last.goldReward(), last.step()));
        }
        return Optional.empty();
    }
}
