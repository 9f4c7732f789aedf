/**
 * The feedback SPI: what a source of human, GAN or AI feedback implements, and the data it exchanges.
 *
 * <p>A plugin implements {@link org.rlhf4j.api.feedback.FeedbackSource} (built by a
 * {@link org.rlhf4j.api.feedback.FeedbackSourceFactory} registered under a {@code type} name) and answers
 * {@link org.rlhf4j.api.feedback.Comparison}s with {@link org.rlhf4j.api.feedback.Preference}s or
 * {@link org.rlhf4j.api.feedback.Completion}s with {@link org.rlhf4j.api.feedback.Score}s. Every judgment
 * carries its {@link org.rlhf4j.api.feedback.Provenance}. This package depends on the JDK only.
 */
package org.rlhf4j.api.feedback;
