package org.rlhf4j.feedback.ai.local;

import java.util.Optional;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.FeedbackSourceFactory;
import org.rlhf4j.api.plugin.PluginContext;
import org.rlhf4j.feedback.ai.constitution.Constitution;
import org.rlhf4j.feedback.ai.judge.GoldAudit;
import org.rlhf4j.feedback.ai.judge.HumanAgreement;

/** The {@code local-judge} type. */
public final class LocalJudgeFactory implements FeedbackSourceFactory<LocalJudgeConfig> {
    public static final String TYPE = "local-judge";

    @Override
    public String description() {
        return "offline AI judge: a constitution scored by a pretrained embedding model (all-MiniLM-L6-v2 on ONNX Runtime, CPU)";
    }

    @Override
    public Class<LocalJudgeConfig> configClass() {
        return LocalJudgeConfig.class;
    }

    @Override
    public FeedbackSource create(String type, LocalJudgeConfig config, PluginContext context) {
        Constitution constitution = Constitution.of(config.constitution(), config.constitutionFile(), context);
        return new LocalJudgeSource(type, config, constitution, Optional.ofNullable(config.cache()).map(context::resolve),
                GoldAudit.of(context), config.humanLabels() == null ? HumanAgreement.none()
                        : HumanAgreement.read(context.resolve(config.humanLabels())));
    }
}
