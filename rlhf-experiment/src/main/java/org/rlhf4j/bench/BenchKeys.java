package org.rlhf4j.bench;

/**
 * The JSON keys of {@code rlhf bench --json}, shared with {@code bench/torch_reference.py}; a
 * {@link HotPath#name()} should be one of the hot path keys so both reports line up.
 */
public final class BenchKeys {
    /** Forward + masked cross-entropy + backward + clip + AdamW step; batch * seqLen tokens per step. */
    public static final String TRAIN = "train_tokens_per_s";
    /** No-grad forward + log-softmax + gather of next-token log-probs; batch * seqLen tokens per pass. */
    public static final String LOGPROB = "logprob_tokens_per_s";
    /** Sampling with the prefix recomputed every token; batch * newTokens sampled tokens per run. */
    public static final String GENERATE = "generate_tokens_per_s";
    /** Sampling with a key/value cache; batch * newTokens sampled tokens per run. */
    public static final String GENERATE_KV = "generate_kv_tokens_per_s";
    /**
     * One DPO step (sigmoid, beta 0.1; chosen and rejected in one forward batch, reference log-probs precomputed)
     * + clip + AdamW on a fixed batch of {@code batch / 2} pairs; pairs per step.
     */
    public static final String DPO = "dpo_step_pairs_per_s";
    /** One reward-model step (scalar head at the last response token, Bradley-Terry loss) + clip + AdamW; pairs per step. */
    public static final String REWARD_MODEL = "reward_model_step_pairs_per_s";
    /**
     * One PPO iteration with {@code ppo}'s defaults: 64 rollouts of at most 40 new tokens (key/value cache), the reward
     * model's score, policy, reference and critic passes, GAE, 4 epochs of 1 minibatch of policy and critic updates
     * with AdamW; rollouts per iteration.
     */
    public static final String PPO = "ppo_iteration_rollouts_per_s";
    /** 1024 x 1024 float32 matmul. */
    public static final String MATMUL = "matmul_1024_gflops";

    public static final String BACKEND = "backend";
    public static final String OMP_NUM_THREADS = "omp_num_threads";
    public static final String MODEL = "model";
    public static final String BLAS = "blas";

    private BenchKeys() {}
}
