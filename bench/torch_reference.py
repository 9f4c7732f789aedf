#!/usr/bin/python3
"""PyTorch reference for `rlhf bench`.

Builds exactly the model of docs/model.md (decoder-only, pre-LN, learned absolute positions, GELU tanh
MLP, untied lm_head, parameter names and shapes as in rlhf4j checkpoints) and times the same hot paths
as `rlhf bench --json`, printing one JSON object with the same keys:

  train_tokens_per_s        forward + masked cross-entropy + backward + clip(1.0) + AdamW step
  logprob_tokens_per_s      no-grad forward + log_softmax + gather of the next-token log-probs
  generate_tokens_per_s     sampling WITHOUT a key/value cache (the prefix is recomputed per token)
  generate_kv_tokens_per_s  sampling with torch's own key/value cache: the few lines a user writes (keys and
                            values cached per layer, torch.cat of one new column per step)
  dpo_step_pairs_per_s      one DPO step on a fixed batch of batch/2 pairs (bench_pairs): policy forward over the
                            concatenated chosen+rejected batch, log-probs of the response tokens gathered and
                            summed, sigmoid loss (beta 0.1) against reference log-probs computed once beforehand,
                            backward, clip(1.0), AdamW step
  reward_model_step_pairs_per_s  one reward-model step on the same pairs: the backbone (no lm_head) with a scalar
                            head read at the last response token, Bradley-Terry loss -logsigmoid(r_c - r_r),
                            backward, clip(1.0), AdamW step
  ppo_iteration_rollouts_per_s  one PPO iteration with PPO's defaults (ppo_benchmark): 64 rollouts of at most 40
                            tokens with the key/value cache, the reward model's score, policy and reference log-probs
                            and critic values, GAE and whitening, 4 epochs of one minibatch of policy and critic
                            updates with AdamW; counts rollouts (the median ms of each part under
                            ppo_iteration_parts_ms)
  matmul_1024_gflops        1024 x 1024 float32 matmul

Two model shapes (--shapes, both by default): "default" (V=1024, D=128, H=4, L=2, T=48, batch 32) at the
top level of the JSON, and "large" (D=256, L=4, batch 64, the rest the same) under "shapes": {"large": {...}}
with the same keys (no generate_tokens_per_s there: recomputing the prefix is for information only).

Each figure is the median (with min and max) of --repeats timed runs after --warmup untimed runs.
Token counts: training counts batch * seq_len tokens per optimizer step (--train-steps steps per
timed run; the DPO and reward-model steps count batch/2 pairs per step, --train-steps steps per run), log-prob batch * seq_len per forward pass (--logprob-batches per run), generation
batch * new_tokens sampled tokens per run.

Run with Debian's interpreter and OpenBLAS installed (apt-get install python3-torch libopenblas0-pthread):
  /usr/bin/python3 bench/torch_reference.py --threads 2
"""
import argparse
import json
import math
import os
import statistics
import sys
import time


def _thread_environment():
    """Sets OpenBLAS and OpenMP threading before torch loads them (they read it only once).

    Debian's torch is built with BLAS_INFO=generic, so torch.set_num_threads does not reach OpenBLAS,
    which would start one thread per core on its own; with torch's OpenMP threads spinning beside it,
    2 threads ran 2.5x slower than 1. OPENBLAS_NUM_THREADS = --threads and OMP_WAIT_POLICY=PASSIVE
    fix that. Values already in the environment win.
    """
    threads = "2"
    for i, arg in enumerate(sys.argv):
        if arg == "--threads" and i + 1 < len(sys.argv):
            threads = sys.argv[i + 1]
        elif arg.startswith("--threads="):
            threads = arg.split("=", 1)[1]
    os.environ.setdefault("OPENBLAS_NUM_THREADS", threads)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


_thread_environment()

import torch  # noqa: E402  (after the thread environment on purpose)
import torch.nn.functional as F  # noqa: E402


# The model shapes of `rlhf bench` (org.rlhf4j.algorithms.bench.BenchShape.DEFAULT and .LARGE); prompt
# prompt_len tokens, then seq_len - prompt_len sampled ones.
SHAPES = {
    "default": dict(vocab=1024, d_model=128, n_heads=4, n_layers=2, seq_len=48, batch=32, prompt_len=8),
    "large": dict(vocab=1024, d_model=256, n_heads=4, n_layers=4, seq_len=48, batch=64, prompt_len=8),
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shapes", default="default,large", help="comma-separated shapes: " + ", ".join(SHAPES))
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--train-steps", type=int, default=5, help="optimizer steps per timed training run")
    p.add_argument("--logprob-batches", type=int, default=10, help="forward passes per timed log-prob run")
    p.add_argument("--matmul-iters", type=int, default=10, help="matmuls per timed matmul run")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--only", default="", help="comma-separated subset of hot path names")
    return p.parse_args()


def init_params(V, D, H, L, T, gen, lm_head=True, scalar_head=False):
    """Parameters named and shaped as in docs/model.md; init std 0.02, output projections / sqrt(2L).

    A reward model (scalar_head=True, lm_head=False) carries head.w [D,1] and head.b [1] instead of lm_head."""
    def normal(*shape, std=0.02):
        return torch.randn(*shape, generator=gen) * std

    proj_std = 0.02 / math.sqrt(2 * L)
    P = {"tok_emb": normal(V, D), "pos_emb": normal(T, D)}
    for i in range(L):
        P[f"h{i}.ln1.g"] = torch.ones(D)
        P[f"h{i}.ln1.b"] = torch.zeros(D)
        P[f"h{i}.attn.wqkv"] = normal(D, 3 * D)
        P[f"h{i}.attn.bqkv"] = torch.zeros(3 * D)
        P[f"h{i}.attn.wo"] = normal(D, D, std=proj_std)
        P[f"h{i}.attn.bo"] = torch.zeros(D)
        P[f"h{i}.ln2.g"] = torch.ones(D)
        P[f"h{i}.ln2.b"] = torch.zeros(D)
        P[f"h{i}.mlp.w1"] = normal(D, 4 * D)
        P[f"h{i}.mlp.b1"] = torch.zeros(4 * D)
        P[f"h{i}.mlp.w2"] = normal(4 * D, D, std=proj_std)
        P[f"h{i}.mlp.b2"] = torch.zeros(D)
    P["ln_f.g"] = torch.ones(D)
    P["ln_f.b"] = torch.zeros(D)
    if lm_head:
        P["lm_head"] = normal(D, V)
    if scalar_head:
        P["head.w"] = normal(D, 1)
        P["head.b"] = torch.zeros(1)
    return {k: torch.nn.Parameter(v) for k, v in P.items()}


class Model:
    def __init__(self, P, D, H, L, eps=1e-5):
        self.P, self.D, self.H, self.L, self.dh, self.eps = P, D, H, L, D // H, eps

    def ln(self, x, name):
        return F.layer_norm(x, (self.D,), self.P[name + ".g"], self.P[name + ".b"], self.eps)

    def mlp(self, x, i):
        P = self.P
        h = F.gelu(x @ P[f"h{i}.mlp.w1"] + P[f"h{i}.mlp.b1"], approximate="tanh")
        return h @ P[f"h{i}.mlp.w2"] + P[f"h{i}.mlp.b2"]

    def heads(self, t, B, T):
        return t.view(B, T, self.H, self.dh).transpose(1, 2)

    def forward(self, ids):
        """Full causal forward: ids [B,T] -> logits [B,T,V]."""
        return self.hidden(ids) @ self.P["lm_head"]

    def hidden(self, ids):
        """Full causal forward up to the final layer norm: ids [B,T] -> hidden states [B,T,D]."""
        P, D = self.P, self.D
        B, T = ids.shape
        x = P["tok_emb"][ids] + P["pos_emb"][:T]
        mask = torch.full((T, T), -1e9).triu(1)
        for i in range(self.L):
            qkv = self.ln(x, f"h{i}.ln1") @ P[f"h{i}.attn.wqkv"] + P[f"h{i}.attn.bqkv"]
            q, k, v = (self.heads(t, B, T) for t in qkv.split(D, dim=-1))
            att = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(self.dh) + mask, dim=-1)
            y = (att @ v).transpose(1, 2).reshape(B, T, D)
            x = x + y @ P[f"h{i}.attn.wo"] + P[f"h{i}.attn.bo"]
            x = x + self.mlp(self.ln(x, f"h{i}.ln2"), i)
        return self.ln(x, "ln_f")

    def forward_cached(self, ids, cache, start):
        """Forward of ids [B,t] at positions start..start+t with a key/value cache (list of [k, v])."""
        P, D = self.P, self.D
        B, T = ids.shape
        x = P["tok_emb"][ids] + P["pos_emb"][start:start + T]
        total = start + T
        mask = torch.full((T, total), -1e9).triu(start + 1)
        for i in range(self.L):
            qkv = self.ln(x, f"h{i}.ln1") @ P[f"h{i}.attn.wqkv"] + P[f"h{i}.attn.bqkv"]
            q, k, v = (self.heads(t, B, T) for t in qkv.split(D, dim=-1))
            if cache[i] is not None:
                k = torch.cat([cache[i][0], k], dim=2)
                v = torch.cat([cache[i][1], v], dim=2)
            cache[i] = (k, v)
            att = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(self.dh) + mask, dim=-1)
            y = (att @ v).transpose(1, 2).reshape(B, T, D)
            x = x + y @ P[f"h{i}.attn.wo"] + P[f"h{i}.attn.bo"]
            x = x + self.mlp(self.ln(x, f"h{i}.ln2"), i)
        return self.ln(x, "ln_f") @ P["lm_head"]


def bench_pairs(shape):
    """The fixed synthetic preference batch of the DPO and reward-model steps, exactly rlhf4j's BenchPairs
    (org.rlhf4j.algorithms.bench.paths): batch/2 pairs; pair i shares a prompt of prompt_len tokens (<bos> = 1, then
    4 + (131 i + 17 j) mod (V - 4)); its chosen response has 20 + (7 i) mod 11 tokens and its rejected one
    20 + (7 i + 5) mod 11 (<eos> = 2 included), cut to seq_len - prompt_len; response token j of side s is
    4 + (257 (2 i + s + 1) + 29 j) mod (V - 4). Returns (chosen, rejected, prompt_len): lists of token lists."""
    V, T, B, p = shape["vocab"], shape["seq_len"], shape["batch"], shape["prompt_len"]
    n = max(1, B // 2)
    mod = max(1, V - 4)
    sides = ([], [])
    for i in range(n):
        for side in (0, 1):
            resp = min(20 + (7 * i + 5 * side) % 11, T - p)
            tokens = [1] + [4 + (131 * i + 17 * j) % mod for j in range(1, p)]
            tokens += [4 + (257 * (2 * i + side + 1) + 29 * j) % mod for j in range(p, p + resp - 1)] + [2]
            sides[side].append(tokens)
    return sides[0], sides[1], p


def padded(rows, T):
    """Right-pads token lists with 0 to a [len(rows), T] tensor."""
    out = torch.zeros(len(rows), T, dtype=torch.long)
    for r, tokens in enumerate(rows):
        out[r, :len(tokens)] = torch.tensor(tokens)
    return out


def adamw(P, lr):
    """rlhf4j's AdamW.Config.defaults: betas (0.9, 0.95), eps 1e-8, weight decay 0.01 on rank-2 parameters only.
    (rlhf4j adds eps to sqrt(v) before the bias correction, torch after: same cost, ~eps difference.)"""
    decay = [p for p in P.values() if p.dim() >= 2]
    no_decay = [p for p in P.values() if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                             lr=lr, betas=(0.9, 0.95), eps=1e-8)


def check_kv_cache(model, V, L, gen):
    """The cached forward (prefill 5 tokens, then 3 single steps) must give the full forward's logits."""
    with torch.no_grad():
        ids = torch.randint(4, V, (2, 8), generator=gen)
        full = model.forward(ids)
        cache = [None] * L
        parts = [model.forward_cached(ids[:, :5], cache, 0)]
        parts += [model.forward_cached(ids[:, t:t + 1], cache, t) for t in range(5, 8)]
        diff = (torch.cat(parts, dim=1) - full).abs().max().item()
    if diff > 1e-5:
        raise AssertionError(f"key/value cache forward differs from the full forward by {diff}")


# PPO's defaults (org.rlhf4j.algorithms.ppo.PpoConfig, bound from an empty config), as rlhf4j's PpoIterationPath runs them
PPO = dict(rollouts=64, max_new_tokens=40, epochs=4, mini_batches=1, kl_coef=0.05, gamma=1.0, lam=0.95, clip=0.2,
           value_clip=0.2, lr=5e-5, critic_lr=1e-4, max_grad_norm=1.0)
PPO_PARTS = ["generate", "score", "logprobs_policy", "logprobs_reference", "values", "advantages", "policy_update",
             "policy_adamw", "critic_update", "critic_adamw"]
EOS = 2


def ppo_prompts(shape, n):
    """rlhf4j's PpoIterationPath prompts: <bos> then word j of prompt i = 4 + (131 i + 17 j) mod (V - 4), j < prompt_len."""
    V, p = shape["vocab"], shape["prompt_len"]
    mod = max(1, V - 4)
    return torch.tensor([[1] + [4 + (131 * i + 17 * j) % mod for j in range(1, p)] for i in range(n)])


def ppo_benchmark(a, shape):
    """One PPO iteration (PPO's defaults above) per timed run, as a PyTorch user writes it after TRL's PPOTrainer:
    sample one response of at most min(40, T - prompt_len) tokens to each of 64 prompts with the key/value cache
    (temperature 1, stop at <eos>; finished rows feed <pad>); score <bos> prompt response <eos> (the response cut to
    fit T) with a scalar-head reward model at the token before <eos>; no-grad log-probs of the response tokens under
    the policy and the frozen reference (a copy of the initial policy), the critic's (a copy of the reward model)
    value at each state before a response token; per-token reward -kl_coef (logp - ref) plus the score at the last
    token, GAE (gamma, lambda) over the response columns, returns = advantages + values, advantages whitened over the
    response tokens (unbiased variance, eps 1e-8); then 4 epochs of one minibatch of all rollouts (shuffled): the
    clipped surrogate (ratio clip 0.2, mean over response tokens), backward, clip 1.0, AdamW (lr 5e-5, betas
    0.9/0.95, eps 1e-8, no weight decay), and the clipped value loss 0.5 max((v - R)^2, (v_clip - R)^2) (clip 0.2),
    backward, clip 1.0, AdamW (lr 1e-4). Returns the rollouts/s of each timed run and the median ms of each part."""
    V, D, H, L, T = shape["vocab"], shape["d_model"], shape["n_heads"], shape["n_layers"], shape["seq_len"]
    p = shape["prompt_len"]
    R = PPO["rollouts"]
    max_new = min(PPO["max_new_tokens"], T - p)
    P_pol = init_params(V, D, H, L, T, torch.Generator().manual_seed(a.seed + 4))
    policy = Model(P_pol, D, H, L)
    reference = Model({k: v.detach().clone() for k, v in P_pol.items()}, D, H, L)
    P_rm = init_params(V, D, H, L, T, torch.Generator().manual_seed(a.seed + 5), lm_head=False, scalar_head=True)
    reward_model = Model(P_rm, D, H, L)
    P_critic = {k: torch.nn.Parameter(v.detach().clone()) for k, v in P_rm.items()}
    critic = Model(P_critic, D, H, L)

    def adam(P, lr):
        return torch.optim.AdamW(list(P.values()), lr=lr, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.0)

    opt_pol, opt_critic = adam(P_pol, PPO["lr"]), adam(P_critic, PPO["critic_lr"])
    prompts = ppo_prompts(shape, R)
    sampler = torch.Generator().manual_seed(a.seed + 6)
    col = torch.arange(T - 1).unsqueeze(0)
    positions = torch.arange(T).unsqueeze(0)
    rows = torch.arange(R)
    times = {k: [] for k in PPO_PARTS}

    def iteration():
        spent = dict.fromkeys(PPO_PARTS, 0.0)
        t = [time.perf_counter()]

        def lap(part):
            now = time.perf_counter()
            spent[part] += now - t[0]
            t[0] = now

        with torch.no_grad():
            cache = [None] * L
            logits = policy.forward_cached(prompts, cache, 0)[:, -1]
            done = torch.zeros(R, dtype=torch.bool)
            columns = []
            for step in range(max_new):
                nxt = torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=sampler).squeeze(1)
                nxt = torch.where(done, torch.zeros_like(nxt), nxt)
                columns.append(nxt)
                done |= nxt == EOS
                if bool(done.all()) or step == max_new - 1:
                    break
                logits = policy.forward_cached(nxt.unsqueeze(1), cache, p + step)[:, -1]
            response = torch.stack(columns, dim=1)  # [R, n], <pad> after <eos>
            ended = (response == EOS)
            n = response.shape[1]
            length = torch.where(ended.any(dim=1), ended.int().argmax(dim=1) + 1, torch.full((R,), n))  # <eos> included
            seqs = torch.zeros(R, T, dtype=torch.long)
            seqs[:, :p] = prompts
            seqs[:, p:p + n] = response
            lap("generate")
            # the reward model reads <bos> prompt response <eos>, the response (without <eos>) cut to T - 1 - p tokens
            words = torch.clamp(torch.where(ended.any(dim=1), length - 1, length), max=T - 1 - p)
            scored = torch.where(positions > (p + words).unsqueeze(1), torch.zeros_like(seqs), seqs)
            scored[rows, p + words] = EOS
            last = p + words - 1
            score = (reward_model.hidden(scored)[rows, last] @ P_rm["head.w"]).squeeze(-1) + P_rm["head.b"]
            lap("score")
            ids, targets = seqs[:, :-1], seqs[:, 1:]
            mask = ((col >= p - 1) & (col <= (p + length - 2).unsqueeze(1))).float()  # columns predicting a response token
            logp_old = torch.log_softmax(policy.forward(ids), dim=-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1) * mask
            lap("logprobs_policy")
            ref = torch.log_softmax(reference.forward(ids), dim=-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1) * mask
            lap("logprobs_reference")
            values = ((critic.hidden(ids) @ P_critic["head.w"]).squeeze(-1) + P_critic["head.b"]) * mask
            lap("values")
            rewards = -PPO["kl_coef"] * (logp_old - ref)
            rewards[rows, p + length - 2] += score
            advantages = torch.zeros_like(rewards)
            next_adv = torch.zeros(R)
            next_value = torch.zeros(R)
            for j in range(T - 2, p - 2, -1):
                delta = rewards[:, j] + PPO["gamma"] * next_value - values[:, j]
                next_adv = (delta + PPO["gamma"] * PPO["lam"] * next_adv) * mask[:, j]
                advantages[:, j] = next_adv
                next_value = values[:, j]
            returns = advantages + values
            count = mask.sum()
            mean = (advantages * mask).sum() / count
            var = (((advantages - mean) * mask) ** 2).sum() / (count - 1)
            advantages = (advantages - mean) * torch.rsqrt(var + 1e-8) * mask
            lap("advantages")
        tokens = mask.sum()
        for _ in range(PPO["epochs"]):
            order = torch.randperm(R, generator=sampler)  # one minibatch of every rollout
            b_ids, b_targets, b_mask = ids[order], targets[order], mask[order]
            logp = torch.log_softmax(policy.forward(b_ids), dim=-1).gather(-1, b_targets.unsqueeze(-1)).squeeze(-1)
            ratio = torch.exp(logp - logp_old[order])
            adv = advantages[order]
            pg = torch.max(-adv * ratio, -adv * torch.clamp(ratio, 1 - PPO["clip"], 1 + PPO["clip"]))
            loss = (pg * b_mask).sum() / tokens
            opt_pol.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(list(P_pol.values()), PPO["max_grad_norm"])
            lap("policy_update")
            opt_pol.step()
            lap("policy_adamw")
            v = (critic.hidden(b_ids) @ P_critic["head.w"]).squeeze(-1) + P_critic["head.b"]
            old_v = values[order]
            v_clip = old_v + torch.clamp(v - old_v, -PPO["value_clip"], PPO["value_clip"])
            ret = returns[order]
            vf = 0.5 * torch.max((v - ret) ** 2, (v_clip - ret) ** 2)
            vloss = (vf * b_mask).sum() / tokens
            opt_critic.zero_grad(set_to_none=True)
            vloss.backward()
            torch.nn.utils.clip_grad_norm_(list(P_critic.values()), PPO["max_grad_norm"])
            lap("critic_update")
            opt_critic.step()
            lap("critic_adamw")
        for k in PPO_PARTS:
            times[k].append(spent[k] * 1e3)
        return R

    rates = timed(iteration, a.warmup, a.repeats)
    parts = {k: statistics.median(v[a.warmup:]) for k, v in times.items()}
    return rates, parts


def timed(fn, warmup, repeats):
    """Runs fn (returning units) warmup times untimed, then repeats times; returns units/s figures."""
    for _ in range(warmup):
        fn()
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        units = fn()
        rates.append(units / (time.perf_counter() - t0))
    return rates


def summary(rates, unit):
    return {"median": statistics.median(rates), "min": min(rates), "max": max(rates), "unit": unit}


def blas_libraries():
    """Shared BLAS libraries mapped into this process (proves which BLAS torch really calls)."""
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if "blas" in path or "lapack" in path:
                libs.add(path)
    return sorted(libs)


def run_shape(a, shape, only, first):
    """Times every selected hot path at one shape; returns the report's figures for it."""
    V, D, H, L, T, B = shape["vocab"], shape["d_model"], shape["n_heads"], shape["n_layers"], shape["seq_len"], shape["batch"]
    prompt_len = shape["prompt_len"]
    new_tokens = T - prompt_len
    assert D % H == 0 and 0 < prompt_len < T
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    P = init_params(V, D, H, L, T, gen)
    model = Model(P, D, H, L)
    check_kv_cache(model, V, L, gen)

    def want(name):
        return not only or name in only

    ids = torch.randint(4, V, (B, T), generator=gen)
    # Padding mask: each row has a random length in [T/2, T]; the loss ignores padded targets.
    lengths = torch.randint(T // 2, T + 1, (B,), generator=gen)
    mask = (torch.arange(T).unsqueeze(0) < lengths.unsqueeze(1)).float()

    out = {"model": {"vocab": V, "d_model": D, "n_heads": H, "n_layers": L, "seq_len": T, "batch": B,
                     "params": sum(p.numel() for p in P.values())}}

    if want("train_tokens_per_s"):
        # the same step as rlhf4j's AdamW (AdamW.Config.defaults), global-norm clip 1.0 below
        opt = adamw(P, a.lr)

        def train():
            for _ in range(a.train_steps):
                logits = model.forward(ids)
                ce = F.cross_entropy(logits[:, :-1].reshape(-1, V), ids[:, 1:].reshape(-1), reduction="none")
                m = mask[:, 1:].reshape(-1)
                loss = (ce * m).sum() / m.sum()
                opt.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(list(P.values()), 1.0)
                opt.step()
            return a.train_steps * B * T

        out["train_tokens_per_s"] = summary(timed(train, a.warmup, a.repeats), "tokens/s")

    if want("logprob_tokens_per_s"):
        def logprob():
            with torch.no_grad():
                for _ in range(a.logprob_batches):
                    logp = torch.log_softmax(model.forward(ids), dim=-1)
                    lp = logp[:, :-1].gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1) * mask[:, 1:]
                    lp.sum(dim=1)
            return a.logprob_batches * B * T

        out["logprob_tokens_per_s"] = summary(timed(logprob, a.warmup, a.repeats), "tokens/s")

    prompt = ids[:, :prompt_len]
    sampler = torch.Generator().manual_seed(a.seed + 1)

    if first and want("generate_tokens_per_s"):
        def generate():
            with torch.no_grad():
                seq = prompt
                for _ in range(new_tokens):
                    probs = torch.softmax(model.forward(seq)[:, -1], dim=-1)
                    nxt = torch.multinomial(probs, 1, generator=sampler)
                    seq = torch.cat([seq, nxt], dim=1)
            return B * new_tokens

        out["generate_tokens_per_s"] = summary(timed(generate, a.warmup, a.repeats), "tokens/s")

    if want("generate_kv_tokens_per_s"):
        def generate_kv():
            # prefill the prompt, then one column per step; the cache is a (k, v) pair per layer grown by torch.cat
            with torch.no_grad():
                cache = [None] * L
                logits = model.forward_cached(prompt, cache, 0)[:, -1]
                pos = prompt_len
                for _ in range(new_tokens):
                    nxt = torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=sampler)
                    if pos < T - 1:
                        logits = model.forward_cached(nxt, cache, pos)[:, -1]
                    pos += 1
            return B * new_tokens

        out["generate_kv_tokens_per_s"] = summary(timed(generate_kv, a.warmup, a.repeats), "tokens/s")

    if want("dpo_step_pairs_per_s") or want("reward_model_step_pairs_per_s"):
        chosen, rejected, p = bench_pairs(shape)
        n = len(chosen)
        rows = chosen + rejected  # one forward batch: chosen rows 0..n-1, rejected rows n..2n-1
        seqs = padded(rows, T)
        lengths = torch.tensor([len(r) for r in rows])

    if want("dpo_step_pairs_per_s"):
        # a fresh policy (the reference is the policy before training: its log-probs computed once, no grad)
        P_dpo = init_params(V, D, H, L, T, torch.Generator().manual_seed(a.seed + 2))
        policy = Model(P_dpo, D, H, L)
        inputs, labels = seqs[:, :-1], seqs[:, 1:]
        col = torch.arange(T - 1).unsqueeze(0)
        # label j is a response token (<eos> included) for p - 1 <= j <= len - 2
        response = ((col >= p - 1) & (col <= (lengths - 2).unsqueeze(1))).float()
        beta = 0.1

        def sequence_logps(logits):
            logp = torch.log_softmax(logits, dim=-1).gather(-1, labels.unsqueeze(-1)).squeeze(-1)
            return (logp * response).sum(dim=-1)

        with torch.no_grad():
            ref = sequence_logps(policy.forward(inputs))
        ref_chosen, ref_rejected = ref[:n], ref[n:]
        with torch.no_grad():  # guard: the policy equals the reference, so the first loss is ln 2
            logps = sequence_logps(policy.forward(inputs))
            first_loss = -F.logsigmoid(beta * ((logps[:n] - ref_chosen) - (logps[n:] - ref_rejected))).mean().item()
        if abs(first_loss - math.log(2)) > 1e-6:
            raise AssertionError(f"DPO loss at initialisation is {first_loss}, not ln 2")
        opt_dpo = adamw(P_dpo, a.lr)

        def dpo():
            for _ in range(a.train_steps):
                logps = sequence_logps(policy.forward(inputs))
                margin = (logps[:n] - ref_chosen) - (logps[n:] - ref_rejected)
                loss = -F.logsigmoid(beta * margin).mean()
                opt_dpo.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(list(P_dpo.values()), 1.0)
                opt_dpo.step()
            return a.train_steps * n

        out["dpo_step_pairs_per_s"] = summary(timed(dpo, a.warmup, a.repeats), "pairs/s")

    if want("reward_model_step_pairs_per_s"):
        P_rm = init_params(V, D, H, L, T, torch.Generator().manual_seed(a.seed + 3), lm_head=False, scalar_head=True)
        reward_model = Model(P_rm, D, H, L)
        last = lengths - 2  # the last response token before <eos>
        rows_index = torch.arange(2 * n)
        opt_rm = adamw(P_rm, a.lr)

        def reward_step():
            for _ in range(a.train_steps):
                h = reward_model.hidden(seqs)[rows_index, last]  # [2n, D]
                r = (h @ P_rm["head.w"]).squeeze(-1) + P_rm["head.b"]
                loss = -F.logsigmoid(r[:n] - r[n:]).mean()
                opt_rm.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(list(P_rm.values()), 1.0)
                opt_rm.step()
            return a.train_steps * n

        out["reward_model_step_pairs_per_s"] = summary(timed(reward_step, a.warmup, a.repeats), "pairs/s")

    if want("ppo_iteration_rollouts_per_s"):
        rates, parts = ppo_benchmark(a, shape)
        out["ppo_iteration_rollouts_per_s"] = summary(rates, "rollouts/s")
        out["ppo_iteration_parts_ms"] = parts

    if first and want("matmul_1024_gflops"):
        n = 1024
        x = torch.rand(n, n, generator=gen)
        y = torch.rand(n, n, generator=gen)

        def matmul():
            for _ in range(a.matmul_iters):
                torch.mm(x, y)
            return a.matmul_iters * 2.0 * n ** 3 / 1e9

        out["matmul_1024_gflops"] = summary(timed(matmul, a.warmup, a.repeats), "GFLOP/s")
    return out


def main():
    a = parse_args()
    torch.set_num_threads(a.threads)
    names = [s for s in a.shapes.split(",") if s]
    unknown = [s for s in names if s not in SHAPES]
    if unknown or not names:
        sys.exit(f"unknown shape(s) {unknown}; known: {', '.join(SHAPES)}")
    only = set(s for s in a.only.split(",") if s)
    out = {
        "backend": f"pytorch-{torch.__version__} cpu",
        "omp_num_threads": torch.get_num_threads(),
        "repeats": a.repeats,
        "blas": ", ".join(blas_libraries()) or "none found (reference BLAS or MKL-DNN only)",
        "env": {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_WAIT_POLICY", "OMP_NUM_THREADS")},
    }
    # the first shape's figures at the top level (as before), further shapes under "shapes"
    out.update(run_shape(a, SHAPES[names[0]], only, True))
    if len(names) > 1:
        out["shapes"] = {name: run_shape(a, SHAPES[name], only, False) for name in names[1:]}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
