package org.rlhf4j.algorithms.reward;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * A feedback source's state ({@link FeedbackSource#saveState()}: a learning source's discriminator, or a judge's counters)
 * as checkpoint arrays, for an algorithm that has the source in its loop (through the reward seam,
 * {@link FeedbackSourceReward}, or as a labeller of fresh pairs) to save with its checkpoints: {@code length} (LONG, the
 * byte count, and the round of the source's context) and {@code bytes} (INT, four bytes to an int, big-endian,
 * zero-padded).
 */
public final class SourceCheckpointState implements TrainingLoop.State {
    private final String type;
    private final FeedbackSource source;
    private final LongSupplier round;
    private final LongConsumer restoreRound;

    private SourceCheckpointState(String type, FeedbackSource source, LongSupplier round, LongConsumer restoreRound) {
        this.type = requireNonNull(type, "type is null");
        this.source = requireNonNull(source, "source is null");
        this.round = requireNonNull(round, "round is null");
        this.restoreRound = requireNonNull(restoreRound, "restoreRound is null");
    }

    /**
     * The state of {@code source}, with the round of its context ({@code round} reads it, {@code restoreRound} sets it back
     * on resume); empty for a source that neither learns from the policy nor counts its work (an empty state).
     *
     * @param type the source's type name, for errors
     */
    public static Optional<TrainingLoop.State> of(String type, FeedbackSource source, LongSupplier round, LongConsumer restoreRound) {
        if (!source.learnsFromPolicy() && requireNonNull(source.saveState(), "feedback type '" + type + "': saveState() returned null")
                .length == 0) {
            return Optional.empty(); // nothing learnt, nothing counted
        }
        return Optional.of(new SourceCheckpointState(type, source, round, restoreRound));
    }

    @Override
    public Map<String, INDArray> export() {
        byte[] bytes = requireNonNull(source.saveState(), "feedback type '" + type + "': saveState() returned null");
        return Map.of("length", Nd4j.createFromArray(new long[] {bytes.length, round.getAsLong()}),
                "bytes", Nd4j.createFromArray(pack(bytes)));
    }

    @Override
    public void restore(Map<String, INDArray> arrays) {
        INDArray length = arrays.get("length");
        INDArray bytes = arrays.get("bytes");
        if (length == null || bytes == null) {
            throw new IllegalStateException("the checkpoint holds no state of feedback type '" + type + "'");
        }
        long[] header = length.toLongVector();
        source.restoreState(unpack(bytes.toIntVector(), Math.toIntExact(header[0])));
        restoreRound.accept(header[1]);
    }

    /** Four bytes to an int, big-endian; at least one int (the codec stores no empty arrays). */
    static int[] pack(byte[] bytes) {
        int[] out = new int[Math.max(1, (bytes.length + 3) / 4)];
        for (int i = 0; i < bytes.length; i++) {
            out[i / 4] |= (bytes[i] & 0xFF) << (24 - 8 * (i % 4));
        }
        return out;
    }

    /** The first {@code length} bytes of {@link #pack}'s ints. */
    static byte[] unpack(int[] ints, int length) {
        if (length < 0 || length > 4L * ints.length) {
            throw new IllegalStateException("a state of " + length + " bytes in " + ints.length + " ints");
        }
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) (ints[i / 4] >>> (24 - 8 * (i % 4)));
        }
        return out;
    }
}
