package org.rlhf4j.api.feedback;

import java.util.List;
import java.util.Map;

/**
 * A feedback source that learns from the policy it judges, such as the RLGAF discriminator: expert
 * demonstrations are "real", policy samples passed to {@link #observe} are "fake", and the source updates
 * itself between rounds. Its state must survive a crash: override {@link #saveState()} and {@link #restoreState}
 * so that a resumed arm continues exactly.
 */
public interface LearningFeedbackSource extends FeedbackSource {
    @Override
    default boolean learnsFromPolicy() {
        return true;
    }

    /** Learns from the latest policy samples; see {@link FeedbackSource#observe}. */
    @Override
    Map<String, Double> observe(List<Completion> policySamples, FeedbackContext context);
}
