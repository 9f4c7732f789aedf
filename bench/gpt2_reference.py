#!/usr/bin/python3
"""An independent GPT-2 in PyTorch (torch only, no `transformers`): reads a Hugging Face GPT-2 checkpoint directory
(config.json, model.safetensors, tokenizer.json) and computes next-token log-probs, and writes the small fixture the
engine's TestGpt2Reference compares against.

  /usr/bin/python3 bench/gpt2_reference.py fixture OUT_DIR    writes a random-weight tiny GPT-2 (tied embeddings,
        some tensors in BF16 and F16, no 'transformer.' prefix, the old attention-mask buffers), a real byte-level BPE
        tokenizer.json trained here on a few sentences, and expected.json: texts, their ids by this file's own BPE
        encoder, and the log-prob of every next token by this file's forward, in double precision
  /usr/bin/python3 bench/gpt2_reference.py logprobs CHECKPOINT_DIR TEXT...
        prints the log-prob of each next token of <bos> TEXT under the checkpoint (byte-level BPE or WordLevel
        tokenizer.json)
  /usr/bin/python3 bench/gpt2_reference.py compare CHECKPOINT_DIR SCORED.jsonl
        reproduces the log-probs `rlhf model score RUN_DIR --arm ARM --out SCORED.jsonl` wrote with the engine, from the
        checkpoint `rlhf model export RUN_DIR --arm ARM --out CHECKPOINT_DIR` wrote: the same ids from its tokenizer.json,
        the same log-probs from this forward (exit 1 if any differs by more than 1e-4)

The fixture in rlhf-engine/src/test/resources/gpt2-tiny was written by:
  /usr/bin/python3 bench/gpt2_reference.py fixture rlhf-engine/src/test/resources/gpt2-tiny
Needs Debian's python3-torch (apt-get install -y python3-torch libopenblas0-pthread); nothing else.
"""
import json
import math
import re
import struct
import sys
from pathlib import Path

import torch

DTYPES = {"F32": (torch.float32, 4), "F16": (torch.float16, 2), "BF16": (torch.bfloat16, 2), "F64": (torch.float64, 8)}


# ---------------------------------------------------------------- safetensors, by hand
def read_safetensors(path):
    data = Path(path).read_bytes()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        dtype, size = DTYPES[t["dtype"]]
        begin, end = t["data_offsets"]
        raw = bytearray(data[8 + n + begin:8 + n + end])
        if dtype == torch.bfloat16:
            tensor = torch.frombuffer(raw, dtype=torch.int16).view(torch.bfloat16)
        else:
            tensor = torch.frombuffer(raw, dtype=dtype)
        out[name] = tensor.reshape(t["shape"]).to(torch.float64)
    return out


def write_safetensors(path, tensors):
    """tensors: name -> (tensor, dtype name)"""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, (t, dtype) in tensors.items():
        t = t.to(DTYPES[dtype][0]).contiguous()
        raw = (t.view(torch.int16) if dtype == "BF16" else t).numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    Path(path).write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


# ---------------------------------------------------------------- GPT-2's forward, written from the paper and the Hub's layout
def load_checkpoint(directory):
    directory = Path(directory)
    config = json.loads((directory / "config.json").read_text())
    if (directory / "model.safetensors").exists():
        raw = read_safetensors(directory / "model.safetensors")
    else:
        index = json.loads((directory / "model.safetensors.index.json").read_text())
        raw = {}
        for shard in sorted(set(index["weight_map"].values())):
            raw.update(read_safetensors(directory / shard))
    weights = {k[len("transformer."):] if k.startswith("transformer.") else k: v for k, v in raw.items()}
    return config, weights


def log_probs(config, w, ids):
    """Log-softmax of the logits at every position of ids (a list), [T, V], in double precision."""
    d, heads = config["n_embd"], config["n_head"]
    eps = config.get("layer_norm_epsilon", 1e-5)
    t = len(ids)
    x = w["wte.weight"][ids] + w["wpe.weight"][:t]
    mask = torch.triu(torch.full((t, t), float("-inf"), dtype=torch.float64), diagonal=1)

    def ln(v, name):
        return torch.nn.functional.layer_norm(v, (d,), w[name + ".weight"], w[name + ".bias"], eps)

    for i in range(config["n_layer"]):
        p = "h.%d." % i
        qkv = ln(x, p + "ln_1") @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]  # Conv1D: x @ W + b
        q, k, v = qkv.split(d, dim=-1)
        q, k, v = (z.reshape(t, heads, d // heads).transpose(0, 1) for z in (q, k, v))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // heads) + mask, dim=-1)
        ctx = (att @ v).transpose(0, 1).reshape(t, d)
        x = x + ctx @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        hdn = ln(x, p + "ln_2") @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"]
        hdn = 0.5 * hdn * (1 + torch.tanh(math.sqrt(2 / math.pi) * (hdn + 0.044715 * hdn ** 3)))  # gelu_new
        x = x + hdn @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
    h = ln(x, "ln_f")
    head = w["wte.weight"] if config.get("tie_word_embeddings", True) else w["lm_head.weight"]
    return torch.log_softmax(h @ head.T, dim=-1)


# ---------------------------------------------------------------- byte-level BPE (GPT-2's), written here
def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) + list(range(ord("\xae"), ord("\xff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


# GPT-2's pre-tokenizer pattern; \p{L} and \p{N} written for Python's re (the fixture's texts are ASCII)
PRETOKENIZE = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?[^\s\w]+|\s+(?!\S)|\s+""")


def words(text):
    table = bytes_to_unicode()
    return ["".join(table[b] for b in piece.encode("utf-8")) for piece in PRETOKENIZE.findall(text)]


def train_bpe(corpus, merges_wanted):
    counts = {}
    for text in corpus:
        for word in words(text):
            counts[tuple(word)] = counts.get(tuple(word), 0) + 1
    merges = []
    for _ in range(merges_wanted):
        pairs = {}
        for word, c in counts.items():
            for a, b in zip(word, word[1:]):
                pairs[(a, b)] = pairs.get((a, b), 0) + c
        if not pairs:
            break
        best = max(sorted(pairs), key=lambda p: pairs[p])
        merges.append(best)
        merged = {}
        for word, c in counts.items():
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + c
        counts = merged
    return merges


def bpe_encode(text, vocab, merges):
    rank = {m: i for i, m in enumerate(merges)}
    ids = []
    for word in words(text):
        parts = list(word)
        while len(parts) > 1:
            pairs = [(rank.get((a, b), math.inf), i) for i, (a, b) in enumerate(zip(parts, parts[1:]))]
            best, i = min(pairs)
            if best == math.inf:
                break
            parts[i:i + 2] = [parts[i] + parts[i + 1]]
        ids.extend(vocab[p] for p in parts)
    return ids


def tokenizer_json(vocab, merges, eos):
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": vocab[eos], "content": eos, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": True, "special": True}],
        "normalizer": None, "pre_tokenizer": byte_level, "post_processor": byte_level, "decoder": byte_level,
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "", "end_of_word_suffix": "",
                  "fuse_unk": False, "byte_fallback": False, "vocab": vocab, "merges": [a + " " + b for a, b in merges]},
    }


CORPUS = [
    "The phone works well and the battery lasts all day.",
    "This is the best blender I have ever owned, it's great!",
    "Terrible service: the order arrived late and the box was broken.",
    "I'd buy it again; the sound is clear and the price is fair.",
    "It's not bad, but the screen scratches too easily.",
]
TEXTS = [
    "The battery lasts all day.",
    "I'd buy the phone again, it's the best!",
    "Service was terrible: 2 days late.",
    "zebra quartz",  # unseen words: single bytes
]


def fixture(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(20)
    table = bytes_to_unicode()
    merges = train_bpe(CORPUS, 60)
    vocab = {table[b]: i for i, b in enumerate(sorted(table))}  # the 256 byte symbols, in byte order
    for a, b in merges:
        vocab[a + b] = len(vocab)
    eos = "<|endoftext|>"
    vocab[eos] = len(vocab)
    v, d, layers, heads, positions = len(vocab), 32, 2, 4, 24
    config = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "activation_function": "gelu_new", "n_embd": d,
              "n_layer": layers, "n_head": heads, "n_positions": positions, "n_inner": None, "vocab_size": v,
              "layer_norm_epsilon": 1e-5, "bos_token_id": vocab[eos], "eos_token_id": vocab[eos]}  # no tie_word_embeddings: tied
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    (out / "tokenizer.json").write_text(json.dumps(tokenizer_json(vocab, merges, eos), ensure_ascii=False) + "\n")
    (out / "tokenizer_config.json").write_text(json.dumps({"bos_token": eos, "eos_token": eos, "model_max_length": positions}) + "\n")

    def randn(*shape, std=0.3):
        return torch.randn(*shape, dtype=torch.float64) * std

    tensors = {"wte.weight": (randn(v, d), "F32"), "wpe.weight": (randn(positions, d, std=0.1), "F32")}
    for i in range(layers):
        p = "h.%d." % i
        tensors[p + "ln_1.weight"] = (1 + randn(d, std=0.2), "F32")
        tensors[p + "ln_1.bias"] = (randn(d, std=0.1), "F32")
        tensors[p + "attn.bias"] = (torch.tril(torch.ones(1, 1, positions, positions)), "F32")  # an old file's mask buffer
        tensors[p + "attn.c_attn.weight"] = (randn(d, 3 * d), "BF16")
        tensors[p + "attn.c_attn.bias"] = (randn(3 * d, std=0.1), "F32")
        tensors[p + "attn.c_proj.weight"] = (randn(d, d, std=0.2), "F16")
        tensors[p + "attn.c_proj.bias"] = (randn(d, std=0.1), "F32")
        tensors[p + "ln_2.weight"] = (1 + randn(d, std=0.2), "F32")
        tensors[p + "ln_2.bias"] = (randn(d, std=0.1), "F32")
        tensors[p + "mlp.c_fc.weight"] = (randn(d, 4 * d), "F32")
        tensors[p + "mlp.c_fc.bias"] = (randn(4 * d, std=0.1), "F32")
        tensors[p + "mlp.c_proj.weight"] = (randn(4 * d, d, std=0.15), "F32")
        tensors[p + "mlp.c_proj.bias"] = (randn(d, std=0.1), "F32")
    tensors["ln_f.weight"] = (1 + randn(d, std=0.2), "F32")
    tensors["ln_f.bias"] = (randn(d, std=0.1), "F32")
    write_safetensors(out / "model.safetensors", tensors)

    config, w = load_checkpoint(out)  # the stored (rounded) values, as the engine reads them
    cases = []
    for text in TEXTS:
        ids = [vocab[eos]] + bpe_encode(text, vocab, merges)
        lp = log_probs(config, w, ids)
        cases.append({"text": text, "ids": ids, "next_token_logprobs": [lp[j, ids[j + 1]].item() for j in range(len(ids) - 1)],
                      "last_logprobs": lp[-1].tolist()})
    (out / "expected.json").write_text(json.dumps({"cases": cases}, indent=1) + "\n")
    print("wrote", out, "vocabulary", v, "parameters", sum(t.numel() for n, (t, _) in tensors.items() if not n.endswith("attn.bias")))


def word_level_encode(tok, text):
    """A WordLevel tokenizer.json (what the engine exports for its word vocabulary): normalizer, Split regex, lookup."""
    if tok.get("normalizer") and tok["normalizer"]["type"] == "Lowercase":
        text = text.lower()
    pattern = tok["pre_tokenizer"]["pattern"]["Regex"]
    # \p{L}, \p{N} for Python's re: letters and digits are \w without '_'
    pattern = pattern.replace(r"[^\s\p{L}\p{N}]", r"(?:[^\s\w]|_)").replace(r"[\p{L}\p{N}]", r"[^\W_]").replace(r"\p{N}", r"\d")
    vocab = tok["model"]["vocab"]
    return [vocab.get(piece, vocab[tok["model"]["unk_token"]]) for piece in re.findall(pattern, text)]


def encode(directory, text):
    tok = json.loads((Path(directory) / "tokenizer.json").read_text())
    model = tok["model"]
    if model["type"] == "WordLevel":
        return word_level_encode(tok, text)
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in model["merges"]]
    return bpe_encode(text, model["vocab"], merges)


def compare(directory, scored):
    """Reproduces the engine's log-probs of `rlhf model score` from the exported checkpoint: the same ids from
    tokenizer.json (<bos> prompt response <eos>, cut to the context as the engine's SequenceEncoder does), the same
    log-probs from this file's forward. Prints the worst differences; exits 1 above 1e-4."""
    config, w = load_checkpoint(directory)
    context = config["n_positions"]
    worst, lines = 0.0, 0
    for line in Path(scored).read_text().splitlines():
        case = json.loads(line)
        prompt = [config["bos_token_id"]] + encode(directory, case["prompt"])
        response = encode(directory, case["response"])
        p = min(len(prompt), context - 2)
        r = min(len(response), context - 1 - p)
        ids = prompt[:p] + response[:r] + [config["eos_token_id"]]
        if ids != case["ids"]:
            print("ids differ for %r: %s vs the engine's %s" % (case["response"], ids, case["ids"]))
            sys.exit(1)
        lp = log_probs(config, w, ids[:-1])
        mine = [lp[j, ids[j + 1]].item() for j in range(p - 1, len(ids) - 1)]
        worst = max([worst] + [abs(a - b) for a, b in zip(mine, case["logprobs"])])
        lines += 1
    print(json.dumps({"responses": lines, "worst_abs_logprob_difference": worst}))
    sys.exit(0 if worst <= 1e-4 else 1)


def main(argv):
    if len(argv) >= 2 and argv[0] == "fixture":
        fixture(argv[1])
    elif len(argv) >= 3 and argv[0] == "logprobs":
        config, w = load_checkpoint(argv[1])
        for text in argv[2:]:
            ids = [config["bos_token_id"]] + encode(argv[1], text)
            lp = log_probs(config, w, ids)
            print(json.dumps({"text": text, "ids": ids, "next_token_logprobs": [lp[j, ids[j + 1]].item() for j in range(len(ids) - 1)]}))
    elif len(argv) == 3 and argv[0] == "compare":
        compare(argv[1], argv[2])
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
