package org.rlhf4j.feedback.human.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.SafetyLabel;
import org.rlhf4j.api.io.JsonLine;
import org.rlhf4j.feedback.human.dataset.ChatTemplate.Message;

/**
 * One line of a preference dataset as a labelled comparison, in each {@link PreferenceFormat}. The chosen
 * response becomes response A. Message lists are rendered with {@link ChatTemplate}; a prompt is never
 * silently empty (a layout without one is an error unless the line says {@code "prompt": ""}). Every layout may
 * add {@code annotator} and an ISO-8601 {@code timestamp}.
 *
 * <ul>
 *   <li>{@code ab}: {@code prompt, response_a, response_b, preference: A|B|tie}, optionally {@code safer}
 *       (same values), {@code is_a_safe}, {@code is_b_safe}.</li>
 *   <li>{@code trl}: {@code prompt, chosen, rejected} as strings (standard) or message lists
 *       (conversational: {@code prompt} the context, {@code chosen}/{@code rejected} the assistant's turn; or,
 *       without {@code prompt}, whole conversations sharing all but their last, assistant, message).</li>
 *   <li>{@code hh-rlhf}: {@code chosen, rejected}: dialogues of {@code "\n\nHuman: "} and {@code "\n\nAssistant: "}
 *       turns; the prompt is the shared dialogue up to and including the last {@code "\n\nAssistant:"}, the
 *       responses the final assistant turns (one leading space removed).</li>
 *   <li>{@code pku-saferlhf}: {@code prompt, response_0, response_1, better_response_id, safer_response_id,
 *       is_response_0_safe, is_response_1_safe}.</li>
 *   <li>{@code ultrafeedback}: {@code chosen, rejected} message lists (the user turn, then the assistant's),
 *       {@code score_chosen, score_rejected} (equal scores are a tie); {@code prompt} repeats the user turn.</li>
 * </ul>
 */
public final class PreferenceRecords {
    private PreferenceRecords() {}

    /** Parses {@code line} in {@code format}; {@link PreferenceFormat#AUTO} tells the layout by the fields. */
    public static LabelledComparison parse(JsonLine line, PreferenceFormat format, String defaultAnnotator) {
        PreferenceFormat layout = format == PreferenceFormat.AUTO ? detect(line) : format;
        String annotator = line.optionalText("annotator").orElse(defaultAnnotator);
        Optional<Instant> timestamp = line.optionalText("timestamp").map(text -> instant(line, text));
        Labelled labelled = switch (layout) {
            case AB -> ab(line);
            case TRL -> trl(line);
            case HH_RLHF -> hh(line);
            case PKU_SAFERLHF -> pku(line);
            case ULTRAFEEDBACK -> ultrafeedback(line);
            case AUTO -> throw new IllegalStateException("detect never answers auto");
        };
        return new LabelledComparison(labelled.comparison, labelled.better, labelled.safety, annotator, timestamp, line.number());
    }

    /** The layout of one line, told by its fields. */
    static PreferenceFormat detect(JsonLine line) {
        if (line.has("response_0") || line.has("response_1")) {
            return PreferenceFormat.PKU_SAFERLHF;
        }
        if (line.has("response_a") || line.has("response_b")) {
            return PreferenceFormat.AB;
        }
        if (line.has("chosen") || line.has("rejected")) {
            if (line.has("score_chosen") || line.has("score_rejected")) {
                return PreferenceFormat.ULTRAFEEDBACK;
            }
            JsonNode chosen = line.json().get("chosen");
            if (!line.has("prompt") && chosen != null && chosen.isTextual() && chosen.textValue().contains(ChatTemplate.ASSISTANT_TURN)) {
                return PreferenceFormat.HH_RLHF;
            }
            return PreferenceFormat.TRL;
        }
        throw line.error("unrecognised preference record: expected fields chosen/rejected (TRL, HH-RLHF, UltraFeedback), "
                + "response_a/response_b/preference or response_0/response_1/better_response_id (PKU-SafeRLHF)");
    }

    private record Labelled(Comparison comparison, Choice better, Optional<SafetyLabel> safety) {
        Labelled(Comparison comparison) {
            this(comparison, Choice.A, Optional.empty());
        }
    }

    private static Labelled ab(JsonLine line) {
        Comparison comparison = new Comparison(prompt(line), line.text("response_a"), line.text("response_b"));
        Choice better = choice(line, "preference", line.text("preference"));
        Optional<SafetyLabel> safety = Optional.empty();
        if (line.has("safer") || line.has("is_a_safe") || line.has("is_b_safe")) {
            Choice safer = line.optionalText("safer").map(text -> choice(line, "safer", text)).orElse(Choice.TIE);
            safety = Optional.of(new SafetyLabel(safer, line.optionalBoolean("is_a_safe"), line.optionalBoolean("is_b_safe")));
        }
        return new Labelled(comparison, better, safety);
    }

    private static Labelled pku(JsonLine line) {
        Comparison comparison = new Comparison(prompt(line), line.text("response_0"), line.text("response_1"));
        Choice better = responseId(line, "better_response_id", line.text("better_response_id"));
        Optional<SafetyLabel> safety = Optional.empty();
        if (line.has("safer_response_id") || line.has("is_response_0_safe") || line.has("is_response_1_safe")) {
            Choice safer = line.optionalText("safer_response_id")
                    .map(text -> responseId(line, "safer_response_id", text)).orElse(Choice.TIE);
            safety = Optional.of(new SafetyLabel(safer, line.optionalBoolean("is_response_0_safe"),
                    line.optionalBoolean("is_response_1_safe")));
        }
        return new Labelled(comparison, better, safety);
    }

    private static Labelled hh(JsonLine line) {
        String chosen = line.text("chosen");
        String rejected = line.text("rejected");
        int cut = chosen.lastIndexOf(ChatTemplate.ASSISTANT_TURN);
        int cutRejected = rejected.lastIndexOf(ChatTemplate.ASSISTANT_TURN);
        if (cut < 0 || cutRejected < 0) {
            throw line.error("an HH-RLHF dialogue must end with an \"\\n\\nAssistant:\" turn, " + (cut < 0 ? "chosen" : "rejected")
                    + " has none");
        }
        String prompt = chosen.substring(0, cut + ChatTemplate.ASSISTANT_TURN.length());
        if (!prompt.equals(rejected.substring(0, cutRejected + ChatTemplate.ASSISTANT_TURN.length()))) {
            throw line.error("chosen and rejected differ before their last \"\\n\\nAssistant:\" turn: an HH-RLHF pair shares its dialogue");
        }
        return new Labelled(new Comparison(prompt, turn(chosen, cut), turn(rejected, cutRejected)));
    }

    private static String turn(String dialogue, int cut) {
        String response = dialogue.substring(cut + ChatTemplate.ASSISTANT_TURN.length());
        return response.startsWith(" ") ? response.substring(1) : response;
    }

    private static Labelled trl(JsonLine line) {
        JsonNode chosen = field(line, "chosen");
        JsonNode rejected = field(line, "rejected");
        JsonNode prompt = line.json().get("prompt");
        if (chosen.isTextual() && rejected.isTextual()) {
            if (prompt != null && prompt.isArray()) {
                return new Labelled(new Comparison(ChatTemplate.prompt(messages(line, "prompt", prompt)),
                        chosen.textValue(), rejected.textValue()));
            }
            return new Labelled(new Comparison(prompt(line), chosen.textValue(), rejected.textValue()));
        }
        return new Labelled(conversation(line, prompt, chosen, rejected));
    }

    private static Labelled ultrafeedback(JsonLine line) {
        Comparison comparison = conversation(line, line.json().get("prompt"), field(line, "chosen"), field(line, "rejected"));
        double chosen = score(line, "score_chosen");
        double rejected = score(line, "score_rejected");
        Choice better = chosen > rejected ? Choice.A : chosen < rejected ? Choice.B : Choice.TIE;
        return new Labelled(comparison, better, Optional.empty());
    }

    /**
     * A comparison from message lists: the context (the {@code prompt} messages, or a string prompt as one user
     * message, then every message of {@code chosen} but its last) must be the same for {@code rejected}; each
     * last message is the assistant's response.
     */
    private static Comparison conversation(JsonLine line, JsonNode prompt, JsonNode chosen, JsonNode rejected) {
        List<Message> chosenMessages = messages(line, "chosen", chosen);
        List<Message> rejectedMessages = messages(line, "rejected", rejected);
        if (chosenMessages.isEmpty() || rejectedMessages.isEmpty()) {
            throw line.error("field '" + (chosenMessages.isEmpty() ? "chosen" : "rejected") + "' is an empty message list");
        }
        List<Message> context = new ArrayList<>();
        List<Message> chosenContext = chosenMessages.subList(0, chosenMessages.size() - 1);
        if (prompt != null && prompt.isArray()) {
            context.addAll(messages(line, "prompt", prompt));
        }
        else if (prompt != null && prompt.isTextual() && chosenContext.isEmpty()) {
            context.add(new Message("user", prompt.textValue()));
        }
        else if (prompt != null && prompt.isTextual() && !chosenContext.get(0).content().equals(prompt.textValue())) {
            throw line.error("field 'prompt' is not the conversation's first message");
        }
        else if (prompt != null && !prompt.isNull() && !prompt.isTextual()) {
            throw line.error("field 'prompt' must be a string or a list of messages");
        }
        List<Message> rejectedContext = new ArrayList<>(context);
        context.addAll(chosenContext);
        rejectedContext.addAll(rejectedMessages.subList(0, rejectedMessages.size() - 1));
        if (!context.equals(rejectedContext)) {
            throw line.error("chosen and rejected differ before their last message: a pair shares its conversation");
        }
        if (context.isEmpty()) {
            throw line.error("no prompt: the conversation has only the response (give 'prompt', or a user message first)");
        }
        Message chosenResponse = chosenMessages.get(chosenMessages.size() - 1);
        Message rejectedResponse = rejectedMessages.get(rejectedMessages.size() - 1);
        for (Message response : List.of(chosenResponse, rejectedResponse)) {
            if (!"assistant".equalsIgnoreCase(response.role())) {
                throw line.error("the last message of chosen and of rejected must be the assistant's, got role '" + response.role() + "'");
            }
        }
        return new Comparison(ChatTemplate.prompt(context), chosenResponse.content(), rejectedResponse.content());
    }

    private static List<Message> messages(JsonLine line, String field, JsonNode value) {
        if (!value.isArray()) {
            throw line.error("field '" + field + "' must be a list of {role, content} messages");
        }
        List<Message> messages = new ArrayList<>();
        for (JsonNode message : value) {
            JsonNode role = message.get("role");
            JsonNode content = message.get("content");
            if (!message.isObject() || role == null || !role.isTextual() || content == null || !content.isTextual()) {
                throw line.error("field '" + field + "' holds a message without string 'role' and 'content': " + message);
            }
            messages.add(new Message(role.textValue(), content.textValue()));
        }
        return messages;
    }

    private static JsonNode field(JsonLine line, String field) {
        JsonNode value = line.json().get(field);
        if (value == null || value.isNull()) {
            throw line.error("missing string field '" + field + "'");
        }
        if (!value.isTextual() && !value.isArray()) {
            throw line.error("field '" + field + "' must be a string or a list of messages");
        }
        return value;
    }

    private static String prompt(JsonLine line) {
        return line.optionalText("prompt").orElseThrow(() -> line.error("missing string field 'prompt' "
                + "(a pair needs its prompt; write \"prompt\": \"\" for none)"));
    }

    private static double score(JsonLine line, String field) {
        JsonNode value = line.json().get(field);
        if (value == null || !value.isNumber()) {
            throw line.error("field '" + field + "' must be a number");
        }
        return value.doubleValue();
    }

    private static Choice choice(JsonLine line, String field, String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "a", "response_a" -> Choice.A;
            case "b", "response_b" -> Choice.B;
            case "tie", "equal", "none" -> Choice.TIE;
            default -> throw line.error("field '" + field + "' must be A, B or tie, got '" + text + "'");
        };
    }

    private static Choice responseId(JsonLine line, String field, String text) {
        return switch (text.trim()) {
            case "0" -> Choice.A;
            case "1" -> Choice.B;
            default -> throw line.error("field '" + field + "' must be 0 or 1, got '" + text + "'");
        };
    }

    private static Instant instant(JsonLine line, String text) {
        try {
            return Instant.parse(text);
        }
        catch (DateTimeParseException e) {
            throw line.error("field 'timestamp' must be an ISO-8601 instant such as 2024-05-01T12:00:00Z, got '" + text + "'");
        }
    }
}
