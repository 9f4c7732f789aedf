package org.rlhf4j.feedback.ai.http;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.FeedbackException;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.feedback.Provenance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks an OpenAI-compatible chat model which response is better. Failed requests, 429/5xx statuses and
 * unreadable answers are retried with exponential backoff; a request that still fails fails the batch,
 * an answer that still cannot be read becomes a tie with confidence 0. With {@code swap_debias} each
 * comparison is asked twice, A and B swapped the second time, and only an answer both orders agree on is
 * kept (confidence 1); disagreement, the mark of position bias, is a tie with confidence 0.
 */
public final class HttpJudgeSource implements FeedbackSource {
    private static final Logger LOG = LoggerFactory.getLogger(HttpJudgeSource.class);

    private final String type;
    private final HttpJudgeConfig config;
    private final ChatCompletionsClient client;
    private int requests;
    private int unparsedAnswers;

    HttpJudgeSource(String type, HttpJudgeConfig config, Optional<String> apiKey) {
        this.type = requireNonNull(type, "type is null");
        this.config = requireNonNull(config, "config is null");
        this.client = new ChatCompletionsClient(config, apiKey);
    }

    /** HTTP requests sent so far, retries included. */
    public int requests() {
        return requests;
    }

    /** Answers that could not be read even after the retries. */
    public int unparsedAnswers() {
        return unparsedAnswers;
    }

    @Override
    public List<Preference> compare(List<Comparison> comparisons, FeedbackContext context) {
        List<Preference> preferences = new ArrayList<>(comparisons.size());
        for (Comparison comparison : comparisons) {
            preferences.add(judge(comparison));
        }
        return preferences;
    }

    private Preference judge(Comparison comparison) {
        Optional<Choice> first = ask(comparison);
        if (!config.swapDebias()) {
            return first.map(choice -> preference(comparison, choice, 1.0, config.model()))
                    .orElseGet(() -> preference(comparison, Choice.TIE, 0.0, config.model() + "/unparsed"));
        }
        Optional<Choice> second = ask(comparison.swapped()).map(Choice::swapped);
        String judge = config.model() + "/swap-debiased";
        if (first.isPresent() && first.equals(second)) {
            return preference(comparison, first.get(), 1.0, judge);
        }
        return preference(comparison, Choice.TIE, 0.0, judge);
    }

    private Preference preference(Comparison comparison, Choice choice, double confidence, String judge) {
        return Preference.of(comparison, choice, confidence, new Provenance(type, judge, Instant.now()));
    }

    /** One verdict, retried; empty when the answers stayed unreadable. */
    private Optional<Choice> ask(Comparison comparison) {
        String message = config.render(comparison.prompt(), comparison.responseA(), comparison.responseB());
        String lastProblem = "";
        for (int attempt = 0; attempt <= config.maxRetries(); attempt++) {
            if (attempt > 0) {
                sleep(config.backoffMillis() << Math.min(attempt - 1, 20));
            }
            requests++;
            try {
                String answer = client.complete(message);
                Optional<Choice> verdict = JudgeAnswerParser.parse(answer);
                if (verdict.isPresent()) {
                    return verdict;
                }
                lastProblem = "unreadable answer '" + answer.strip() + "'";
                if (attempt == config.maxRetries()) {
                    unparsedAnswers++;
                    LOG.warn("Judge {} gave no verdict after {} attempts ({}); counting a tie", client.endpoint(),
                            attempt + 1, lastProblem);
                    return Optional.empty();
                }
            }
            catch (IllegalStateException e) {
                throw new FeedbackException("judge request failed: " + e.getMessage(), e);
            }
            catch (IOException e) {
                lastProblem = e.getClass().getSimpleName() + ": " + e.getMessage();
                LOG.debug("Judge attempt {} failed: {}", attempt + 1, lastProblem);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FeedbackException("interrupted while waiting for the judge", e);
            }
        }
        throw new FeedbackException("judge at " + client.endpoint() + " failed " + (config.maxRetries() + 1)
                + " times; last: " + lastProblem);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FeedbackException("interrupted during backoff", e);
        }
    }
}
