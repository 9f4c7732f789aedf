package org.rlhf4j.cli;

/** Names the ND4J backend in use, for the start-up log of {@code run} and {@code bench}. */
final class Nd4jBackend {
    private Nd4jBackend() {}

    /** E.g. {@code CpuBackend}; a reason when ND4J cannot load (wrong natives for this CPU, ...). */
    static String describe() {
        try {
            return org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName();
        }
        catch (Throwable e) {
            return "unavailable (" + e + ")";
        }
    }
}
