"""Embedding throughput and memory: the blog's method against ctxvec, side by side in one run.

    .venv/bin/python benchmarks/bench_embed.py            # first 3000 wiki sentences + whole-wiki memory
    .venv/bin/python benchmarks/bench_embed.py --no-full  # skip the whole-corpus run

Each method runs in its own process (so peak RSS is its own) on the same sentences with the
default model (all-MiniLM-L6-v2):
- blog: every sentence in ONE padded batch, `last_hidden_state` of the real tokens (float32);
- loop: a plain length-sorted loop (batches of 64 sentences, no windows, no store);
- ctxvec float32 / bfloat16: `ctxvec.runners._local` end to end with its defaults (word rows, mean
  pooling; tokenize, encode, write the store), model loading included;
- ctxvec on the whole `wiki` corpus (peak memory must stay under 1.5 GB).
Throughput counts real tokens ([CLS] and [SEP] included). The machine's matmul throughput is
measured in the same run, to give each method's achieved share of it.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(method: str, n: int | None, out: str) -> dict:
    import torch

    from ctxvec.corpus import read_corpus

    texts = read_corpus("wiki", limit=n if n and n > 0 else None).texts
    if method in ("blog", "loop"):
        from transformers import AutoModel, AutoTokenizer

        from ctxvec.encoding import default_model_path

        path = default_model_path()
        tok, model = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path).eval()
        t0 = time.perf_counter()
        if method == "blog":
            batch = tok(texts, padding=True, return_tensors="pt")
            with torch.no_grad():
                h = model(**batch).last_hidden_state
            mask = batch["attention_mask"].bool()
            vectors = h[mask].numpy()
            tokens, padded = int(mask.sum()), int(mask.numel())
        else:
            order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
            parts, tokens, padded = [], 0, 0
            with torch.inference_mode():
                for i in range(0, len(order), 64):
                    batch = tok(
                        [texts[j] for j in order[i : i + 64]], padding=True, truncation=True, return_tensors="pt"
                    )
                    h = model(**batch).last_hidden_state
                    mask = batch["attention_mask"].bool()
                    parts.append(h[mask].numpy())
                    tokens, padded = tokens + int(mask.sum()), padded + int(mask.numel())
            vectors = np.concatenate(parts)
        seconds = time.perf_counter() - t0
        return {"tokens": tokens, "padded": padded, "seconds": seconds, "rows": len(vectors), "peak_mb": peak_rss_mb()}

    from ctxvec.runners import embed

    dtype = "bfloat16" if method == "ctxvec-bf16" else "float32"
    t0 = time.perf_counter()
    store = embed(texts, out, compute_dtype=dtype, device="cpu")
    seconds = time.perf_counter() - t0
    tokens = int(store.manifest["n_tokens"])
    return {"tokens": tokens, "padded": None, "seconds": seconds, "rows": store.n_rows, "peak_mb": peak_rss_mb()}


def run_worker(method: str, n: int | None, out: str) -> dict:
    args = [sys.executable, __file__, "--worker", method, "--out", out, "--n", str(n or -1)]
    proc = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def matmul_gflops(dtype: str, size: int = 2048, repeat: int = 10) -> float:
    import torch

    a = torch.randn(size, size, dtype=getattr(torch, dtype))
    b = torch.randn(size, size, dtype=getattr(torch, dtype))
    a @ b
    t = time.perf_counter()
    for _ in range(repeat):
        a @ b
    return 2 * size**3 * repeat / (time.perf_counter() - t) / 1e9


def flops_per_token(avg_len: float) -> float:
    """MiniLM-L6 forward FLOPs per token: dense layers plus attention at the average length."""
    d, ff, layers = 384, 1536, 6
    return 2 * layers * (4 * d * d + 2 * d * ff) + 4 * layers * avg_len * d


def main() -> None:
    from _results import write_section

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--worker")
    p.add_argument("--out", default="")
    p.add_argument("--n", type=int, default=3000, help="sentences of the wiki corpus (default 3000; -1 = all)")
    p.add_argument("--no-full", action="store_true", help="skip the whole-wiki memory run")
    args = p.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.n, args.out)))
        return

    from ctxvec import Store

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for method in ("blog", "loop", "ctxvec-fp32", "ctxvec-bf16"):
            results[method] = run_worker(method, args.n, f"{tmp}/{method}.store")
            print(method, results[method], flush=True)
        a = np.asarray(Store.open(f"{tmp}/ctxvec-fp32.store").vectors, dtype=np.float32)
        b = np.asarray(Store.open(f"{tmp}/ctxvec-bf16.store").vectors, dtype=np.float32)
        bf16_cos = float(np.mean((a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)))
        full = None if args.no_full else run_worker("ctxvec-fp32", None, f"{tmp}/full.store")
    peak = {"float32": matmul_gflops("float32"), "bfloat16": matmul_gflops("bfloat16")}

    base = results["blog"]["tokens"] / results["blog"]["seconds"]
    lines = [
        f"{args.n} `wiki` sentences, default model, {results['blog']['tokens']:,} real tokens "
        f"(the blog pads them to {results['blog']['padded']:,}). Matmul peak measured in this run: "
        f"float32 {peak['float32']:.0f} GFLOP/s, bfloat16 {peak['bfloat16']:.0f} GFLOP/s.",
        "",
        "| method | compute | tokens/s | × blog | share of matmul peak | peak RSS |",
        "|---|---|---:|---:|---:|---:|",
    ]
    avg_len = results["ctxvec-fp32"]["tokens"] / args.n
    for method, compute in (
        ("blog", "float32"),
        ("loop", "float32"),
        ("ctxvec-fp32", "float32"),
        ("ctxvec-bf16", "bfloat16"),
    ):
        r = results[method]
        rate = r["tokens"] / r["seconds"]
        share = rate * flops_per_token(avg_len) / (peak[compute] * 1e9)
        lines.append(
            f"| {method} | {compute} | {rate:,.0f} | {rate / base:.1f}× | {share:.0%} | {r['peak_mb']:,.0f} MB |"
        )
    lines += ["", f"bfloat16 vectors vs float32: mean cosine {bf16_cos:.5f}."]
    if full:
        lines.append(
            f"Whole `wiki` corpus ({full['rows']:,} word rows, {full['tokens']:,} tokens), float32: "
            f"{full['tokens'] / full['seconds']:,.0f} tokens/s, peak RSS {full['peak_mb']:,.0f} MB."
        )
    lines.append("ctxvec times include loading the model and writing the store; blog/loop times exclude loading.")
    write_section("bench_embed", "\n".join(lines))


if __name__ == "__main__":
    main()
