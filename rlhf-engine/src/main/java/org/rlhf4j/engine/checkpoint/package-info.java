/**
 * Crash-safe checkpoints: model arrays, optimizer state, RNG state, step, config and metadata in one
 * directory per step, written atomically ({@link org.rlhf4j.engine.checkpoint.CheckpointStore}),
 * with arrays in a small exact binary format ({@link org.rlhf4j.engine.checkpoint.ArrayCodec}).
 */
package org.rlhf4j.engine.checkpoint;
