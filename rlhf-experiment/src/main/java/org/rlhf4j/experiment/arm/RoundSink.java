package org.rlhf4j.experiment.arm;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rlhf4j.engine.train.TrainingLoop;
import org.rlhf4j.experiment.run.RunDirectory;

/**
 * The metrics sink of one round of an arm with {@code rounds > 1}: every line it appends carries {@code round}, and its
 * {@code step} is offset by the policy updates of the earlier rounds (so an algorithm's lines count the arm's policy
 * updates across rounds, as the report's training charts read them); a resumed phase drops only its own round's lines.
 * A line without {@code round} counts as round 1.
 */
final class RoundSink implements TrainingLoop.MetricsSink {
    private final RunDirectory run;
    private final int round;
    private final long stepOffset;

    /**
     * @param run the run directory
     * @param round the round, from 1
     * @param stepOffset added to every line's {@code step}
     */
    RoundSink(RunDirectory run, int round, long stepOffset) {
        this.run = requireNonNull(run, "run is null");
        if (round < 1 || stepOffset < 0) {
            throw new IllegalArgumentException("round " + round + ", step offset " + stepOffset);
        }
        this.round = round;
        this.stepOffset = stepOffset;
    }

    /** The round of a {@code metrics.jsonl} or {@code preferences.jsonl} line (1 when it names none). */
    static int roundOf(com.fasterxml.jackson.databind.JsonNode line) {
        return line.path("round").asInt(1);
    }

    @Override
    public void append(Map<String, Object> line) {
        Map<String, Object> tagged = new LinkedHashMap<>();
        line.forEach((key, value) -> {
            if (key.equals("step") && value instanceof Number step) {
                tagged.put(key, step.longValue() + stepOffset);
            }
            else {
                tagged.put(key, value);
            }
            if (key.equals("arm")) {
                tagged.put("round", round);
            }
        });
        tagged.putIfAbsent("round", round);
        run.append(tagged);
    }

    @Override
    public void dropAfter(String arm, String phase, long step) throws IOException {
        run.dropMetrics(line -> arm.equals(line.path("arm").asText()) && phase.equals(line.path("phase").asText())
                && roundOf(line) == round && line.path("step").asLong() > step + stepOffset);
    }
}
