package org.rlhf4j.cli.progress;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.rlhf4j.engine.train.ProgressListener;

/**
 * Shows the progress of a run's long phases (SFT, each arm's preferences, reward and cost models and algorithm): on a
 * terminal a progress bar per phase with its rate and ETA (the {@code progressbar} library); otherwise, for logs and
 * pipes, a plain line per tenth of a phase (and at least every 30 s) with the elapsed time and the ETA.
 */
public final class ProgressDisplay {
    private ProgressDisplay() {}

    /** A bar on {@code terminal} when it is one ({@code interactive}), else plain lines on {@code log}. */
    public static ProgressListener of(PrintWriter log, PrintStream terminal, boolean interactive) {
        return interactive ? new Bars(terminal) : new Lines(log, System::nanoTime);
    }

    /** One progress bar per phase, closed when the phase ends or the next one starts. */
    static final class Bars implements ProgressListener {
        private final PrintStream terminal;
        private String current;
        private ProgressBar bar;

        Bars(PrintStream terminal) {
            this.terminal = requireNonNull(terminal, "terminal is null");
        }

        @Override
        public synchronized void stepDone(String arm, String phase, long step, long steps) {
            String name = arm.equals(phase) ? phase : arm + " " + phase;
            if (!name.equals(current)) {
                closeBar();
                current = name;
                bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(steps).setStyle(ProgressBarStyle.ASCII)
                        .setConsumer(new ConsoleProgressBarConsumer(terminal)).setUpdateIntervalMillis(250).showSpeed()
                        .continuousUpdate().build();
            }
            bar.stepTo(step);
            if (step >= steps) {
                closeBar();
            }
        }

        private void closeBar() {
            if (bar != null) {
                bar.close();
                bar = null;
                current = null;
            }
        }
    }

    /** Plain lines: {@code <arm> <phase>: step/steps (percent), elapsed, ETA}. */
    static final class Lines implements ProgressListener {
        private static final long EVERY_NANOS = 30_000_000_000L;

        private final PrintWriter log;
        private final LongSupplier clock;
        private String current;
        private long started;
        private long lastPrinted;
        private long lastTenth;

        Lines(PrintWriter log, LongSupplier clock) {
            this.log = requireNonNull(log, "log is null");
            this.clock = requireNonNull(clock, "clock is null");
        }

        @Override
        public synchronized void stepDone(String arm, String phase, long step, long steps) {
            String name = arm.equals(phase) ? phase : arm + " " + phase;
            long now = clock.getAsLong();
            if (!name.equals(current)) {
                current = name;
                started = now - 1; // the first step's time is unknown: count from here
                lastPrinted = now;
                lastTenth = 0;
            }
            long tenth = steps > 0 ? step * 10 / steps : 10;
            if (tenth > lastTenth || now - lastPrinted >= EVERY_NANOS || step >= steps) {
                double elapsed = (now - started) / 1e9;
                double eta = step > 0 ? elapsed / step * (steps - step) : Double.NaN;
                log.printf("%s: %d/%d (%d%%), %s elapsed, ETA %s%n", name, step, steps, steps > 0 ? step * 100 / steps : 100,
                        duration(elapsed), step >= steps ? "0s" : duration(eta));
                log.flush();
                lastPrinted = now;
                lastTenth = tenth;
            }
        }

        static String duration(double seconds) {
            if (!Double.isFinite(seconds)) {
                return "?";
            }
            long s = Math.round(seconds);
            return s >= 60 ? (s / 60) + "m" + String.format("%02d", s % 60) + "s" : s + "s";
        }
    }
}
