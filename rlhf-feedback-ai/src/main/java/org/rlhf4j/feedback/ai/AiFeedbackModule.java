package org.rlhf4j.feedback.ai;

import com.google.inject.Binder;
import org.rlhf4j.api.plugin.PluginBinders;
import org.rlhf4j.api.plugin.RlhfModule;
import org.rlhf4j.feedback.ai.http.HttpJudgeFactory;
import org.rlhf4j.feedback.ai.local.LocalJudgeFactory;
import org.rlhf4j.feedback.ai.rule.RuleJudgeFactory;

/** Registers the AI judges: {@code local-judge}, {@code http-judge} and {@code rule-judge}. */
public final class AiFeedbackModule implements RlhfModule {
    @Override
    public void configure(Binder binder) {
        PluginBinders.feedbackSources(binder).addBinding(LocalJudgeFactory.TYPE).to(LocalJudgeFactory.class);
        PluginBinders.feedbackSources(binder).addBinding(HttpJudgeFactory.TYPE).to(HttpJudgeFactory.class);
        PluginBinders.feedbackSources(binder).addBinding(RuleJudgeFactory.TYPE).to(RuleJudgeFactory.class);
    }
}
