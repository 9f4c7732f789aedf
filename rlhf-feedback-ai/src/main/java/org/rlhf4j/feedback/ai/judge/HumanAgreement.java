package org.rlhf4j.feedback.ai.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.rlhf4j.api.feedback.Choice;

/**
 * The judge's agreement with human labels, when a judge is given a file of them ({@code human_labels}): JSON Lines in
 * the layouts {@code human-dataset} reads, {@code {prompt, chosen, rejected}} (TRL/HH-RLHF),
 * {@code {prompt, response_a, response_b, preference: A/B/tie}} and PKU-SafeRLHF's
 * {@code {prompt, response_0, response_1, better_response_id}}. Several rows of one comparison are a majority vote (a
 * split vote is a tie). Every strict verdict of the judge on a comparison the file holds, in either order, whose human
 * label is strict too, counts: {@code judge/human_agreement} over {@code judge/human_pairs}. The judge never learns
 * from the labels.
 */
public final class HumanAgreement {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Votes per comparison: +1 for each row preferring its first response, -1 for the second. */
    private final Map<List<String>, Integer> votes;
    private final AtomicLong pairs = new AtomicLong();
    private final AtomicLong agreed = new AtomicLong();

    private HumanAgreement(Map<List<String>, Integer> votes) {
        this.votes = votes;
    }

    /** No labels: counts nothing. */
    public static HumanAgreement none() {
        return new HumanAgreement(Map.of());
    }

    /** Reads a labels file; a line that is not a labelled comparison is an error naming the file and line. */
    public static HumanAgreement read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("human labels file " + file + " (human_labels) is not a file");
        }
        Map<List<String>, Integer> votes = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        }
        catch (IOException e) {
            throw new IllegalArgumentException("cannot read human labels file " + file + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                JsonNode row = JSON.readTree(lines.get(i));
                String prompt = row.path("prompt").asText("");
                if (row.has("chosen") && row.has("rejected")) {
                    vote(votes, prompt, row.get("chosen").asText(), row.get("rejected").asText(), 1);
                }
                else if (row.has("response_a") && row.has("response_b") && row.has("preference")) {
                    String label = row.get("preference").asText();
                    vote(votes, prompt, row.get("response_a").asText(), row.get("response_b").asText(),
                            switch (label) {
                                case "A" -> 1;
                                case "B" -> -1;
                                case "tie" -> 0;
                                default -> throw new IllegalArgumentException("preference must be A, B or tie, got '" + label + "'");
                            });
                }
                else if (row.has("response_0") && row.has("response_1") && row.has("better_response_id")) {
                    vote(votes, prompt, row.get("response_0").asText(), row.get("response_1").asText(),
                            row.get("better_response_id").asInt() == 0 ? 1 : -1);
                }
                else {
                    throw new IllegalArgumentException("expected {prompt, chosen, rejected}, {prompt, response_a, response_b, "
                            + "preference} or {prompt, response_0, response_1, better_response_id}");
                }
            }
            catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("human labels file " + file + ", line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new HumanAgreement(votes);
    }

    private static void vote(Map<List<String>, Integer> votes, String prompt, String first, String second, int vote) {
        if (first.compareTo(second) > 0) {
            votes.merge(List.of(prompt, second, first), -vote, Integer::sum);
        }
        else {
            votes.merge(List.of(prompt, first, second), vote, Integer::sum);
        }
    }

    /** Comparisons the file holds. */
    public int size() {
        return votes.size();
    }

    /** A verdict of the judge: counted when the file holds the comparison with a strict label and the verdict is strict. */
    public void verdict(String prompt, String responseA, String responseB, Choice better) {
        if (votes.isEmpty() || better == Choice.TIE) {
            return;
        }
        boolean swapped = responseA.compareTo(responseB) > 0;
        Integer vote = votes.get(swapped ? List.of(prompt, responseB, responseA) : List.of(prompt, responseA, responseB));
        if (vote == null || vote == 0) {
            return;
        }
        boolean humansPreferA = (vote > 0) != swapped;
        pairs.incrementAndGet();
        if (humansPreferA == (better == Choice.A)) {
            agreed.incrementAndGet();
        }
    }

    /** {@code judge/human_agreement} and {@code judge/human_pairs}, once a verdict was counted. */
    public Map<String, Double> toMap() {
        Map<String, Double> map = new LinkedHashMap<>();
        if (pairs.get() > 0) {
            map.put("judge/human_agreement", (double) agreed.get() / pairs.get());
            map.put("judge/human_pairs", (double) pairs.get());
        }
        return map;
    }

    /** The counters, in a fixed order, for {@link JudgeState}. */
    AtomicLong[] counters() {
        return new AtomicLong[] {pairs, agreed};
    }
}
