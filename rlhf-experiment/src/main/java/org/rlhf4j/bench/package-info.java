/**
 * {@code rlhf bench}: throughput of the hot paths (training, log-prob scoring, sampling) at one fixed
 * model size ({@link org.rlhf4j.bench.BenchShape}), plus a matmul reference, printed as a
 * table or as JSON with the same keys as {@code bench/torch_reference.py}.
 *
 * <p>Hot paths come from {@link org.rlhf4j.bench.HotPathProvider}s found with
 * {@link java.util.ServiceLoader}; {@link org.rlhf4j.bench.BenchRunner} times them and
 * {@link org.rlhf4j.bench.BenchCommand} prints the report.
 */
package org.rlhf4j.bench;
