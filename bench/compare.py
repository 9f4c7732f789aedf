#!/usr/bin/python3
"""Side-by-side medians of several `rlhf bench --json` / torch_reference.py outputs.

  /usr/bin/python3 bench/compare.py dl4j.json torch-1t.json torch-2t.json

The first file is the baseline: every other column also shows its ratio to the baseline
(> 1 means that run is faster). Only the standard keys are shown, in a fixed order; figures of further
shapes (the "shapes" object: "large") follow under their own heading.
"""
import json
import sys

KEYS = ["train_tokens_per_s", "logprob_tokens_per_s", "generate_tokens_per_s",
        "generate_kv_tokens_per_s", "dpo_step_pairs_per_s", "reward_model_step_pairs_per_s", "ppo_iteration_rollouts_per_s",
        "matmul_1024_gflops"]


def main(paths):
    if not paths:
        sys.exit(__doc__)
    runs = []
    for path in paths:
        with open(path) as f:
            runs.append(json.load(f))
    for path, run in zip(paths, runs):
        print(f"{path}: {run.get('backend')}, threads {run.get('omp_num_threads')}, model {run.get('model')}")
    table(paths, runs)
    shapes = []
    for run in runs:
        shapes += [name for name in run.get("shapes", {}) if name not in shapes]
    for name in shapes:
        parts = [run.get("shapes", {}).get(name, {}) for run in runs]
        model = next((p.get("model") for p in parts if p.get("model")), None)
        print(f"\nshape {name}: model {model}")
        table(paths, parts)


def table(paths, runs):
    print()
    print(f"{'median':30s}" + "".join(f"{p[-24:]:>26s}" for p in paths))
    for key in KEYS:
        cells = []
        base = runs[0].get(key, {}).get("median")
        for run in runs:
            entry = run.get(key)
            if not entry or "median" not in entry:
                cells.append(f"{'-':>26s}")
                continue
            value = entry["median"]
            ratio = f" ({value / base:.2f}x)" if base and run is not runs[0] else ""
            cells.append(f"{value:>18,.1f}{ratio:>8s}")
        print(f"{key:30s}" + "".join(cells))


if __name__ == "__main__":
    main(sys.argv[1:])
