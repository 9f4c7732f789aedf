package org.rlhf4j.cli;

/** Shrunken task experiments with arms, for tests: tiny sizes, seconds. */
final class ArmsConfigs {
    private ArmsConfigs() {}

    /**
     * SFT, preferences from simulated annotators, reward and cost models, DPO and IPO on the same preferences, and
     * GRPO on a reward model trained on them.
     */
    static final String TINY = """
            name: tiny-arms
            seed: 11
            task: {type: reviews}
            policy: {d_model: 32, n_layers: 1, n_heads: 2, max_seq_len: 48, max_vocab: 600}
            sft: {corpus_size: 400, steps: 30, batch_size: 8, lr: 0.005, warmup: 2, log_every: 10, checkpoint_every: 10}
            evaluation: {prompts: 4, samples_per_prompt: 2, max_new_tokens: 20}
            arms:
              - name: rlhf
                feedback: {type: simulated-annotators, scorer: task, temperature: 0.25}
                preferences: {pairs: 24, batch_size: 8, max_new_tokens: 16, heldout_fraction: 0.25}
                reward_model: {epochs: 1, batch_size: 4, log_every: 2}
                cost_model: {epochs: 1, batch_size: 4, l2: 0.01, log_every: 2}
              - name: dpo
                preferences: {from: rlhf}
                algorithm: {type: dpo, epochs: DPO_EPOCHS, batch_size: 4, log_every: 2, checkpoint_every: 4}
              - name: ipo
                preferences: {from: rlhf}
                algorithm: {type: dpo, loss_type: ipo, epochs: 1, batch_size: 4, log_every: 2}
              - name: grpo
                preferences: {from: rlhf}
                reward_model: {epochs: 1, batch_size: 4, log_every: 2}
                algorithm: {type: grpo, group_size: 2, prompts_per_step: 2, steps: 4, max_new_tokens: 12, log_every: 2, optimizer: {lr: 0.001}, monitor_every: 2}
            """;

    /** {@link #TINY} with {@code epochs} DPO epochs. */
    static String tiny(int dpoEpochs) {
        return TINY.replace("DPO_EPOCHS", Integer.toString(dpoEpochs));
    }

    /**
     * SFT, preferences with safety labels, reward and cost models, then PPO (adaptive KL, early stop on KL) on an arm's
     * reward model, and PPO-Lagrangian on the same reward model and a cost model trained on the same preferences.
     */
    static final String TINY_PPO = """
            name: tiny-ppo
            seed: 11
            task: {type: reviews}
            policy: {d_model: 32, n_layers: 1, n_heads: 2, max_seq_len: 48, max_vocab: 600}
            sft: {corpus_size: 400, steps: 10, batch_size: 8, lr: 0.005, warmup: 2, log_every: 5, checkpoint_every: 10}
            evaluation: {prompts: 4, samples_per_prompt: 2, max_new_tokens: 12}
            arms:
              - name: rlhf
                feedback: {type: simulated-annotators, scorer: task, temperature: 0.25}
                preferences: {pairs: 24, batch_size: 8, max_new_tokens: 12, heldout_fraction: 0.25}
                reward_model: {epochs: 1, batch_size: 4, log_every: 2}
                algorithm: {type: ppo, rollouts: 4, steps: 4, ppo_epochs: 2, mini_batches: 2, max_new_tokens: 10, optimizer: {lr: 0.001},
                            kl_target: 1.0, stop_kl: 10, monitor_every: 2, checkpoint_every: 2}
              - name: safe
                preferences: {from: rlhf}
                reward_model: {from: rlhf}
                cost_model: {epochs: 1, batch_size: 4, l2: 0.01, log_every: 2}
                algorithm: {type: ppo-lagrangian, rollouts: 4, steps: PPO_STEPS, ppo_epochs: 2, mini_batches: 2, max_new_tokens: 10,
                            optimizer: {lr: 0.001}, cost_threshold: -1, lambda_lr: 0.05, monitor_every: 0, checkpoint_every: 2}
            """;

    /** {@link #TINY_PPO} with {@code steps} PPO-Lagrangian iterations. */
    static String tinyPpo(int steps) {
        return TINY_PPO.replace("PPO_STEPS", Integer.toString(steps));
    }

    /**
     * SFT, then two arms of two rounds each, each with its own simulated-annotator panel and reward model: DPO (round 2 on
     * the fresh pairs labelled on round 1's policy) and PPO (on a reward model retrained on both rounds' pairs).
     */
    static final String TINY_ROUNDS = """
            name: tiny-rounds
            seed: 11
            task: {type: reviews}
            policy: {d_model: 32, n_layers: 1, n_heads: 2, max_seq_len: 48, max_vocab: 600}
            sft: {corpus_size: 400, steps: 10, batch_size: 8, lr: 0.005, warmup: 2, log_every: 5, checkpoint_every: 10}
            evaluation: {prompts: 4, samples_per_prompt: 2, max_new_tokens: 12}
            arms:
              - name: dpo
                rounds: 2
                feedback: {type: simulated-annotators, scorer: task, temperature: 0.25}
                preferences: {pairs: 16, batch_size: 8, max_new_tokens: 12, heldout_fraction: 0.25}
                reward_model: {epochs: 1, batch_size: 4, log_every: 2}
                algorithm: {type: dpo, epochs: 3, batch_size: 4, optimizer: {lr: 0.005, warmup: 1}, log_every: 1, checkpoint_every: 3}
              - name: ppo
                rounds: 2
                feedback: {type: simulated-annotators, scorer: task, temperature: 0.25}
                preferences: {pairs: 16, batch_size: 8, max_new_tokens: 12, heldout_fraction: 0.25}
                reward_model: {epochs: 1, batch_size: 4, log_every: 2}
                algorithm: {type: ppo, rollouts: 4, steps: PPO_STEPS, ppo_epochs: 2, mini_batches: 2, max_new_tokens: 12, optimizer: {lr: 0.004},
                            monitor_every: 2, checkpoint_every: 2}
            """;

    /** {@link #TINY_ROUNDS} with {@code steps} PPO iterations per round. */
    static String tinyRounds(int ppoSteps) {
        return TINY_ROUNDS.replace("PPO_STEPS", Integer.toString(ppoSteps));
    }

    /**
     * SFT, preferences from simulated annotators and a reward model on them, then one arm per algorithm of the field's
     * current set: KTO, SimPO and ORPO on those preferences; online DPO with an annotator panel of its own in the loop (no
     * pairs before training) and with the reward model as its judge; DAPO (token-level loss, clip-higher, two iterations,
     * dynamic sampling, overlong punishment), GSPO and REINFORCE++ on the reward model.
     */
    static final String TINY_ALGORITHMS = """
            name: tiny-algorithms
            seed: 11
            task: {type: reviews}
            policy: {d_model: 32, n_layers: 1, n_heads: 2, max_seq_len: 48, max_vocab: 600}
            sft: {corpus_size: 400, steps: 30, batch_size: 8, lr: 0.005, warmup: 2, log_every: 10, checkpoint_every: 10}
            evaluation: {prompts: 4, samples_per_prompt: 2, max_new_tokens: 16}
            arms:
              - name: rlhf
                feedback: {type: simulated-annotators, scorer: task, temperature: 0.25}
                preferences: {pairs: 24, batch_size: 8, max_new_tokens: 16, heldout_fraction: 0.25}
                reward_model: {epochs: 1, batch_size: 4, log_every: 2}
              - name: kto
                preferences: {from: rlhf}
                algorithm: {type: kto, epochs: 1, batch_size: 4, log_every: 2}
              - name: simpo
                preferences: {from: rlhf}
                algorithm: {type: simpo, epochs: 1, batch_size: 4, log_every: 2}
              - name: orpo
                preferences: {from: rlhf}
                algorithm: {type: orpo, epochs: 1, batch_size: 4, log_every: 2}
              - name: online
                feedback: {type: simulated-annotators, scorer: task, temperature: 0.25}
                preferences: {pairs: 0}
                algorithm: {type: online-dpo, prompts_per_step: 4, steps: 4, max_new_tokens: 12, log_every: 2}
              - name: online-rm
                preferences: {from: rlhf}
                reward_model: {from: rlhf}
                algorithm: {type: online-dpo, labeller: rewards, prompts_per_step: 4, steps: 4, max_new_tokens: 12, log_every: 2}
              - name: dapo
                preferences: {from: rlhf}
                reward_model: {from: rlhf}
                algorithm: {type: grpo, loss_type: dapo, epsilon_high: 0.28, num_iterations: 2, dynamic_sampling: true,
                            soft_punish_cache: 4, group_size: 2, prompts_per_step: 2, steps: 4, max_new_tokens: 12, log_every: 2,
                            optimizer: {lr: 0.001}}
              - name: gspo
                preferences: {from: rlhf}
                reward_model: {from: rlhf}
                algorithm: {type: grpo, importance_sampling_level: sequence, num_iterations: 2, group_size: 2, prompts_per_step: 2,
                            steps: 4, max_new_tokens: 12, log_every: 2, optimizer: {lr: 0.001}}
              - name: reinforce-pp
                preferences: {from: rlhf}
                reward_model: {from: rlhf}
                algorithm: {type: grpo, baseline: batch, group_size: 1, prompts_per_step: 4, steps: 4, max_new_tokens: 12,
                            log_every: 2, optimizer: {lr: 0.001}}
            """;

    /**
     * SFT, then online DPO with the local AI judge in its loop (no pairs before training: its counters are the source's
     * state), and DAPO (two iterations, dynamic sampling, overlong punishment, clip-higher) on a reward model trained on an
     * annotator panel's labels: what {@link TestArmsCrash} kills mid-training.
     */
    static final String TINY_ONLINE = """
            name: tiny-online
            seed: 11
            task: {type: reviews}
            policy: {d_model: 32, n_layers: 1, n_heads: 2, max_seq_len: 48, max_vocab: 600}
            sft: {corpus_size: 400, steps: 10, batch_size: 8, lr: 0.005, warmup: 2, log_every: 5, checkpoint_every: 10}
            evaluation: {prompts: 4, samples_per_prompt: 2, max_new_tokens: 12}
            arms:
              - name: online
                feedback: {type: local-judge}
                preferences: {pairs: 0}
                algorithm: {type: online-dpo, prompts_per_step: 2, steps: 8, max_new_tokens: 10, log_every: 1, checkpoint_every: 2,
                            monitor_every: 4, optimizer: {lr: 0.002}}
              - name: dapo
                feedback: {type: simulated-annotators, scorer: task, temperature: 0.25}
                preferences: {pairs: 16, batch_size: 8, max_new_tokens: 12, heldout_fraction: 0.25}
                reward_model: {epochs: 1, batch_size: 4, log_every: 2}
                algorithm: {type: grpo, loss_type: dapo, epsilon_high: 0.28, num_iterations: 2, dynamic_sampling: true,
                            soft_punish_cache: 4, group_size: 2, prompts_per_step: 2, steps: 8, max_new_tokens: 10, log_every: 1,
                            checkpoint_every: 2, monitor_every: 4, optimizer: {lr: 0.002}}
            """;
}
