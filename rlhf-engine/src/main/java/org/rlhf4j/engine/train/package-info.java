/**
 * The training loop shared by the preference learners (reward and cost models, DPO/IPO): a seeded data
 * order that depends only on the step (so a resumed run sees the same batches), the non-finite guard,
 * metrics windows and checkpoints with exact resume.
 */
package org.rlhf4j.engine.train;
