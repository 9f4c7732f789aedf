package org.rlhf4j.feedback.ai.judge;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.FeedbackSource;

/**
 * What every model-backed judge ({@code local-judge}, {@code http-judge}) keeps about its work: its counters
 * ({@link JudgeStats}), its agreement with the task's gold scorer ({@link GoldAudit}) and with human labels
 * ({@link HumanAgreement}), reported as its {@link #metrics()} and saved as its state ({@link JudgeState}), so that a
 * resumed run reports the counts of an uninterrupted one.
 */
public abstract class JudgeSource implements FeedbackSource {
    protected final GoldAudit audit;
    protected final HumanAgreement humans;
    protected final JudgeStats stats = new JudgeStats();

    protected JudgeSource(GoldAudit audit, HumanAgreement humans) {
        this.audit = requireNonNull(audit, "audit is null");
        this.humans = requireNonNull(humans, "humans is null");
    }

    /** Records a verdict on {@code comparison} against gold and against the human labels. */
    protected final void recordVerdict(Comparison comparison, Choice better) {
        audit.verdict(comparison.prompt(), comparison.responseA(), comparison.responseB(), better);
        humans.verdict(comparison.prompt(), comparison.responseA(), comparison.responseB(), better);
    }

    /** Counters, the gold audit and the agreement with human labels ({@link JudgeStats#metrics}). */
    @Override
    public final Map<String, Double> metrics() {
        return stats.metrics(audit, humans);
    }

    /** The counters behind {@link #metrics()} ({@link JudgeState}), so that a resumed run reports an uninterrupted one's. */
    @Override
    public final byte[] saveState() {
        return JudgeState.save(stats, audit, humans);
    }

    @Override
    public final void restoreState(byte[] state) {
        JudgeState.restore(state, stats, audit, humans);
    }

    /** The counters. */
    public final JudgeStats stats() {
        return stats;
    }
}
