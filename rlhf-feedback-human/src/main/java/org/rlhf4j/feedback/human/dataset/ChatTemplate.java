package org.rlhf4j.feedback.human.dataset;

import java.util.List;
import java.util.Locale;

/**
 * The one chat template the importers render message lists with: Anthropic HH-RLHF's, so that a prompt reads
 * the same whichever dataset it came from. Each message is {@code "\n\n" + speaker + ": " + content}, the speaker
 * {@code Human} for role {@code user}, {@code Assistant} for {@code assistant}, {@code System} for
 * {@code system} and any other role with its first letter capitalised; a prompt ends with
 * {@code "\n\nAssistant:"}, the turn its response completes. A response is its message's content alone.
 *
 * <p>Example: {@code [{user: "Hi"}, {assistant: "Hello"}, {user: "Name a fruit"}]} renders as
 * {@code "\n\nHuman: Hi\n\nAssistant: Hello\n\nHuman: Name a fruit\n\nAssistant:"}.
 */
public final class ChatTemplate {
    /** What ends every rendered prompt. */
    public static final String ASSISTANT_TURN = "\n\nAssistant:";

    private ChatTemplate() {}

    /** One message of a conversation. */
    public record Message(String role, String content) {}

    /** The prompt that {@code context} sets up for the assistant's next turn. */
    public static String prompt(List<Message> context) {
        StringBuilder text = new StringBuilder();
        for (Message message : context) {
            text.append("\n\n").append(speaker(message.role())).append(": ").append(message.content());
        }
        return text.append(ASSISTANT_TURN).toString();
    }

    static String speaker(String role) {
        return switch (role.toLowerCase(Locale.ROOT)) {
            case "user", "human" -> "Human";
            case "assistant" -> "Assistant";
            case "system" -> "System";
            default -> role.isEmpty() ? role : Character.toUpperCase(role.charAt(0)) + role.substring(1);
        };
    }
}
