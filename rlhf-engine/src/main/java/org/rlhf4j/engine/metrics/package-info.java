/** {@code metrics.jsonl}: one JSON object per logged step, appended line by line and repaired on resume. */
package org.rlhf4j.engine.metrics;
