package org.rlhf4j.feedback.ai.judge;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A judge's state for {@link org.rlhf4j.api.feedback.FeedbackSource#saveState()}: the counters of its
 * {@link JudgeStats}, {@link GoldAudit} and {@link HumanAgreement}. A judge learns nothing, but what it reports about
 * itself ({@code judge/judgements}, {@code judge/gold_agreement}, ...) counts its work; saved with the arm's
 * checkpoints and restored on resume, a resumed run reports the counts of an uninterrupted one. Format: the magic
 * {@code "rlhf4j-judge-state"}, version 1, the counter count, then each counter as a long.
 */
public final class JudgeState {
    private static final String MAGIC = "rlhf4j-judge-state";
    private static final int VERSION = 1;

    private JudgeState() {}

    public static byte[] save(JudgeStats stats, GoldAudit audit, HumanAgreement humans) {
        List<AtomicLong> counters = counters(stats, audit, humans);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(counters.size());
            for (AtomicLong counter : counters) {
                out.writeLong(counter.get());
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Sets every counter to the saved value.
     *
     * @throws IllegalArgumentException when {@code state} is not a judge state of this version
     */
    public static void restore(byte[] state, JudgeStats stats, GoldAudit audit, HumanAgreement humans) {
        List<AtomicLong> counters = counters(stats, audit, humans);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            if (!MAGIC.equals(in.readUTF()) || in.readInt() != VERSION || in.readInt() != counters.size()) {
                throw new IllegalArgumentException("not a judge state of version " + VERSION + " with " + counters.size() + " counters");
            }
            long[] values = new long[counters.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = in.readLong();
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("a judge state with " + in.available() + " bytes too many");
            }
            for (int i = 0; i < values.length; i++) {
                counters.get(i).set(values[i]);
            }
        }
        catch (IOException e) {
            throw new IllegalArgumentException("not a judge state: " + e, e);
        }
    }

    private static List<AtomicLong> counters(JudgeStats stats, GoldAudit audit, HumanAgreement humans) {
        List<AtomicLong> all = new ArrayList<>(List.of(stats.counters()));
        all.addAll(List.of(audit.counters()));
        all.addAll(List.of(humans.counters()));
        return all;
    }
}
