package org.rlhf4j.feedback.human.dataset;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The layouts of preference datasets the importers read (see {@link PreferenceRecords} for each one's fields). */
public enum PreferenceFormat {
    /** Each line's layout told apart by its fields. */
    AUTO("auto"),
    /** rlhf4j's own A/B layout (what {@code rlhf annotate export} writes). */
    AB("ab"),
    /** TRL's preference layout: {@code prompt}, {@code chosen}, {@code rejected}, as strings or message lists. */
    TRL("trl"),
    /** Anthropic HH-RLHF: {@code chosen} and {@code rejected} dialogues of "Human:" and "Assistant:" turns. */
    HH_RLHF("hh-rlhf"),
    /** PKU-SafeRLHF: two responses, the better and the safer one, and whether each is safe. */
    PKU_SAFERLHF("pku-saferlhf"),
    /** UltraFeedback binarized: message lists {@code chosen}, {@code rejected} with {@code score_chosen}, {@code score_rejected}. */
    ULTRAFEEDBACK("ultrafeedback");

    private final String configName;

    PreferenceFormat(String configName) {
        this.configName = configName;
    }

    @JsonValue
    public String configName() {
        return configName;
    }

    /** The format named {@code name} as in config, or an error listing the names. */
    @JsonCreator
    public static PreferenceFormat of(String name) {
        for (PreferenceFormat format : values()) {
            if (format.configName.equals(name.trim().toLowerCase(Locale.ROOT))) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown preference dataset format '" + name + "'; known formats: " + names());
    }

    /** The config names, comma separated. */
    public static String names() {
        return Arrays.stream(values()).map(PreferenceFormat::configName).collect(Collectors.joining(", "));
    }
}
