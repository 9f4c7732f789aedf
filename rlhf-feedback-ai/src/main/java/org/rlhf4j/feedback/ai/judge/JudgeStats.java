package org.rlhf4j.feedback.ai.judge;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an AI judge counts about itself, thread-safe, reported as {@code judge/...} metrics:
 * <ul>
 *   <li>{@code judge/judgements}: verdicts and scores asked of the backend or its cache (one per order of a pair
 *       judged in both orders, one per dimension);</li>
 *   <li>{@code judge/cache_hits}: those the judgement cache answered;</li>
 *   <li>{@code judge/requests}: calls to the backend (HTTP requests, retries included; texts embedded);</li>
 *   <li>{@code judge/retries}: requests repeated after a timeout, a 429/5xx or an unreadable verdict;</li>
 *   <li>{@code judge/unparsed}: verdicts still unreadable after the retries, dropped (never guessed);</li>
 *   <li>{@code judge/both_orders}, {@code judge/self_consistency}: pairs judged in both orders, and the share of them
 *       whose two verdicts agreed (position-bias mitigation).</li>
 * </ul>
 */
public final class JudgeStats {
    private final AtomicLong judgements = new AtomicLong();
    private final AtomicLong cacheHits = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong unparsed = new AtomicLong();
    private final AtomicLong bothOrders = new AtomicLong();
    private final AtomicLong consistent = new AtomicLong();

    public void judgement(boolean cacheHit) {
        judgements.incrementAndGet();
        if (cacheHit) {
            cacheHits.incrementAndGet();
        }
    }

    public void requests(long count) {
        requests.addAndGet(count);
    }

    public void retry() {
        retries.incrementAndGet();
    }

    public void unparsedVerdict() {
        unparsed.incrementAndGet();
    }

    /** A pair judged in both orders; {@code agreed} when the two verdicts were the same. */
    public void bothOrders(boolean agreed) {
        bothOrders.incrementAndGet();
        if (agreed) {
            consistent.incrementAndGet();
        }
    }

    public long judgements() {
        return judgements.get();
    }

    public long cacheHits() {
        return cacheHits.get();
    }

    public long requests() {
        return requests.get();
    }

    public long retries() {
        return retries.get();
    }

    /** Verdicts dropped as unreadable after the retries. */
    public long unparsed() {
        return unparsed.get();
    }

    /** The share of pairs judged in both orders whose verdicts agreed; NaN when none was. */
    public double selfConsistency() {
        long both = bothOrders.get();
        return both == 0 ? Double.NaN : (double) consistent.get() / both;
    }

    /** One line for the log: "N judgements (H from the cache), R requests (T retries), U unparsed dropped[, self-consistency S]". */
    public String describe() {
        String line = String.format("%d judgements (%d from the cache), %d requests (%d retries), %d unparsed dropped", judgements.get(),
                cacheHits.get(), requests.get(), retries.get(), unparsed.get());
        return bothOrders.get() == 0 ? line : line + String.format(", self-consistency %.3f over %d pairs judged in both orders",
                selfConsistency(), bothOrders.get());
    }

    /** What a judge reports as its {@code metrics()}: these counters, the gold audit and the agreement with human labels. */
    public Map<String, Double> metrics(GoldAudit audit, HumanAgreement humans) {
        Map<String, Double> metrics = new LinkedHashMap<>(toMap());
        metrics.putAll(audit.toMap());
        metrics.putAll(humans.toMap());
        return metrics;
    }

    /** The figures under their {@code judge/} names (self-consistency only when pairs were judged in both orders). */
    public Map<String, Double> toMap() {
        Map<String, Double> map = new LinkedHashMap<>();
        map.put("judge/judgements", (double) judgements.get());
        map.put("judge/cache_hits", (double) cacheHits.get());
        map.put("judge/requests", (double) requests.get());
        map.put("judge/retries", (double) retries.get());
        map.put("judge/unparsed", (double) unparsed.get());
        if (bothOrders.get() > 0) {
            map.put("judge/both_orders", (double) bothOrders.get());
            map.put("judge/self_consistency", selfConsistency());
        }
        return map;
    }

    /** The counters, in a fixed order, for {@link JudgeState}. */
    AtomicLong[] counters() {
        return new AtomicLong[] {judgements, cacheHits, requests, retries, unparsed, bothOrders, consistent};
    }
}
