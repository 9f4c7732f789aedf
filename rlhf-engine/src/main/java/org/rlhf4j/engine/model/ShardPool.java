package org.rlhf4j.engine.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Fixed daemon worker threads that run one task per shard of a batch and wait for all of them: the
 * threads of data parallelism in {@link ShardedLmBackprop}, {@link Nd4jForward#tokenLogProbs} and batched
 * generation ({@code org.rlhf4j.engine.generation.Generator}).
 *
 * <p>Each thread applies {@link EngineThreads#applyToCurrentThread()} when it starts (the OpenMP team
 * size is a per-thread setting; without it a fresh thread gets one OpenMP thread per core). Idle threads
 * retire after a minute, so a pool nobody closed leaves no thread behind for long.
 */
public final class ShardPool implements AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ThreadPoolExecutor executor;
    private final String threadPrefix;

    /** A pool of {@code threads} daemon workers (started on demand). */
    public ShardPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive: " + threads);
        }
        threadPrefix = "rlhf4j-w" + POOLS.incrementAndGet() + "-"; // short: Linux keeps 15 characters of a thread name
        AtomicInteger count = new AtomicInteger();
        executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(() -> {
                EngineThreads.applyToCurrentThread(); // one OpenMP/BLAS thread per worker, as configured
                r.run();
            }, threadPrefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);
    }

    /** Name prefix of the worker threads (tests look for them in {@code /proc/self/task}). */
    String threadNamePrefix() {
        return threadPrefix;
    }

    /**
     * Runs {@code task.accept(k)} for every shard {@code k} in {@code [0, shards)} on the workers while the caller
     * waits; waits for ALL shards even when one fails (their buffers are reused by the next call), then
     * rethrows the first failure as itself.
     */
    public void runAll(int shards, IntConsumer task) {
        List<Future<?>> pending = new ArrayList<>(shards);
        Throwable failure = null;
        try {
            for (int k = 0; k < shards; k++) {
                int shard = k;
                pending.add(executor.submit(() -> task.accept(shard)));
            }
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Future<?> f : pending) {
            try {
                f.get();
            } catch (ExecutionException e) {
                failure = failure != null ? failure : e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure : e;
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("shard failed", failure);
        }
    }

    /** Row ranges of {@code shards} near-equal shards of {@code rows} rows: shard k is {@code [start[k], start[k+1])}. */
    public static int[] rowStarts(int rows, int shards) {
        int[] start = new int[shards + 1];
        for (int k = 0; k < shards; k++) {
            start[k + 1] = start[k] + rows / shards + (k < rows % shards ? 1 : 0);
        }
        return start;
    }

    /** Stops the threads (idempotent). */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
