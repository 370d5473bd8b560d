"""Embedding speed, side by side in one run: ctxvec against the tools a user would otherwise reach for.

    .venv/bin/python benchmarks/bench_embed.py                       # 3000 wiki sentences, 3 rounds, whole wiki
    .venv/bin/python benchmarks/bench_embed.py --n 600 --rounds 3 --no-full

Every method is a whole process (interpreter start, imports, model loading, embedding and writing the
vectors to disk), run on the same `--n` first sentences of the built-in `wiki` corpus with the default
model (all-MiniLM-L6-v2) and the same thread count (`OMP_NUM_THREADS`); the rounds alternate the order
of the methods (forward, then backward, ...), so a machine whose load changes treats them alike.
Each figure is the median over the rounds with its range; CPU seconds and peak RSS come from the
child's own rusage (`os.wait4`).

- ctxvec: `ctxvec embed` with its defaults (precision ``auto``: bfloat16 on a CPU with AVX512-BF16/AMX);
- ctxvec-fp32: the same with ``--compute-dtype float32``;
- sentence-transformers: ``encode(..., output_value="token_embeddings")``, unpadded vectors saved (.npy);
- hf-pipeline: transformers' ``feature-extraction`` pipeline (batch size 32), vectors saved;
- loop: a plain length-sorted loop (batches of 64 sentences, no store), vectors saved;
- blog: every sentence in one padded batch (the reference blog post's method), vectors saved.

The HF pipeline and the blog are references, not targets: they run in the first round only
(`--reference-rounds`), and the blog on the first `--blog-n` sentences only (it pads every sentence to the
longest, so its cost per token does not depend much on the count; its figures are compared per token).
With the defaults the whole benchmark takes about 8 minutes on a quiet 2-core machine; for a quick check:
`--n 600 --rounds 2 --no-full`.

Then the fidelity of the stored vectors (float16 storage) against float32 compute for bfloat16 (the
default's store) and int8 dynamic quantization (``--compute-dtype int8``, opt-in): mean and minimum
cosine per row, and the mean overlap of each occurrence's top-10 neighbours (cosine, itself excluded)
over a seeded sample of `--queries` occurrences searched among all rows; the matmul peak of each
precision measured in the same run gives each method's share of it; and the whole `wiki` corpus with
the defaults: tokens/s and peak RSS. Throughput counts real tokens, [CLS] and [SEP] included.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

BIN = Path(sys.executable).parent
METHODS = ("ctxvec", "ctxvec-fp32", "sentence-transformers", "hf-pipeline", "loop", "blog")
REFERENCES = ("hf-pipeline", "blog")
FIXED = "ctxvec-fixed"
"""`ctxvec embed` of one sentence: what every process pays whatever the corpus (the bound's fixed part)."""
NOTES = (
    "What the encoder does for speed, measured in-process with CPU seconds (steadier than wall time on a shared "
    "machine; 1000 wiki sentences, alternating; details, loads and commands in the r22-speed report): **kept**: "
    "the dense layers of a BERT encoder run on the real tokens only and attention pads per batch "
    "(`encoding/_unpadded.py`, query/key/value fused into one matmul; vectors bit-identical to the padded "
    "forward): float32 forward 16.2 → 11.7 CPU s, bfloat16 10.2 → 9.2 (float32 one pair, bfloat16 medians of two); large activations stay on "
    "the heap while encoding (`runners/_pipeline.batch_memory`): kernel time 1.47 → 0.03 s and float32 forward "
    "18.8 → 17.0 CPU s. **Measured, not kept**: a 16,384-token batch budget (float32 11.9 CPU s against 11.7 at "
    "8,192, once unpadded); a 2,048-token budget (21.9 against 19.3, more batches); `torch.compile` (inductor, "
    "dynamic shapes) of the model's own forward, 500 sentences, 3 alternating rounds, medians: bfloat16 4.30 CPU s "
    "against 4.70 eager padded and **3.26** padding-free, float32 7.14 against 8.16 and **6.16**, plus 17 CPU s "
    "(31 s wall) to compile in every process (`python benchmarks/compile_ab.py bfloat16` and `float32`)."
    # s22-kernels (round 3): the forward's kernels and the Ray worker
    " Round 3 (s22-kernels; in-process forward, 1000 wiki sentences, 3 alternating rounds, CPU s medians, load 4–10: "
    "`python benchmarks/kernels_ab.py`, its own section): **kept**: in bfloat16 the padding-free layers run "
    "through oneDNN's fused linear (`_unpadded.FusedLayer`: weights packed once; bias, GELU and residual add in the "
    "matmul's epilogue, which removes bfloat16 `addmm`'s bias copy, 10 % of the forward): 8.72 → **6.99** CPU s, "
    "fidelity to float32 unchanged or better (mean cosine 0.999938 → 0.999943, top-10 0.9934 → 0.9936); mean "
    "pooling by `segment_reduce` instead of `index_add_` (same sums; 85 → 42 ms per 8,000-token batch); row gathers "
    "by `index_select` (same vectors; bfloat16 7.23 → 6.74 CPU s, float32 12.93 → 12.57, alternating processes); the Ray "
    "worker packs each shard's batches on a producer thread and keeps activations on the heap like the local "
    "runner (the worker's loop on 1000 sentences, 4 shards: float32 17.0 → 15.5 CPU s, sys 0.7 → 0.46; bfloat16 "
    "unchanged, 9.2 → 9.6, noise at load 7–8). **Measured, not kept**: the same fusion in float32 (12.88 → 10.53 "
    "CPU s, but no longer bit-identical: max abs difference 6.3e-06; float32 stays the exact reference); "
    "`torch.jit.trace` + `torch.jit.freeze` with `enable_onednn_fusion(True)` of each layer's dense blocks "
    "(bfloat16 8.48, float32 12.49 CPU s against 8.72 and 12.88; vectors right on batches of other sizes than the "
    "trace's, plus 3–7 CPU s to trace); SDPA with an additive float mask instead of the boolean one (same vectors, "
    "no gain); a plain masked-matmul attention instead of SDPA (slower at 24 and 48 "
    "tokens in a microbenchmark); one intra-op thread instead of two uses 0.60× the CPU under this load (bfloat16 "
    "5.20 against 8.72 CPU s, and less wall time while 5–10 processes share 2 cores), which is OpenMP's "
    "spin-waiting, not a slower kernel: `OMP_WAIT_POLICY=PASSIVE` cut the default forward's CPU 6.95 → 5.04 s "
    "(load 5) at the same wall time; neither is set, since a quiet machine was not available to check what two "
    "threads gain there."
)
NOTES_STARTUP = (
    "**Outside the forward** (s22-startup; phases in the `embed_profile` section, `python benchmarks/profile_embed.py "
    "--baseline-src OLD/src`; CPU s, as the machine was shared, load 5–7): of a 3000-sentence run, everything but "
    "pass 2 took 6.7 CPU s before this round: `import torch` 1.05, transformers and the tokenizer 0.81, the model "
    "(BERT modelling imports pulling torch.distributed.tensor, torch._dynamo, scipy.optimize; then the weights) "
    "2.00, pass 1 0.76 (pyarrow imports pandas on its first array: about 0.2), finalize 0.38, and the "
    "interpreter's shutdown 1.15 (its last collections traverse every object of torch and transformers). "
    "**Kept**: in the `ctxvec` command the garbage collector is paused while the model loads and what loaded is "
    "frozen after (`ctxvec/_gc.py`): model 2.00 → 1.34 CPU s, shutdown 1.15 → 0.25, pass 1 0.76 → 0.55; the fixed "
    "cost of a process (`ctxvec embed --limit 1`, 3 alternating pairs, load 4.5) 6.3 → 4.0 CPU s (ranges "
    "5.4–6.7 and 4.0–4.6; wall 9.7 → 6.6 s), peak RSS +7–10 MB; `similar --in` 8.4 → 5.8 CPU s; the weights are hashed on a thread during the imports, and cast while "
    "loading (`from_pretrained(dtype=)`: 0.20 → 0.08 CPU s). Non-forward total 6.7 → 4.9 CPU s; stores "
    "byte-identical. Also kept: pass 2 takes pass 1's tokens of the first shards (up to 512k tokens) instead of "
    "re-reading and re-tokenizing them: 0.33 CPU s less per 3000 sentences (in-process; too small to show in a whole "
    "process at this load), and the first batch no longer waits for shard 0's tokenizing. **Measured, not kept**: pausing the collector without freezing (no gain: the same objects "
    "are traversed later); loading the model on a thread while pass 1 tokenizes (2.6 CPU s either way: imports "
    "hold the GIL, only the tokenizer's Rust part would overlap, at most about 0.3 s on a quiet machine). "
    "**The bound** is the `Bound` line above, recomputed from each run (with `ctxvec-fixed`, `ctxvec embed --limit 1`): even a forward at 100 % of the matmul peak leaves the fixed cost of importing torch and transformers and loading the model in every process."
)
MEAN_COS_MIN = 0.9999
TOP10_MIN = 0.98


# ---- the methods that are not ctxvec (each run in its own process by `--worker`) -------------------------


def _texts(corpus: str) -> list[str]:
    return [line for line in Path(corpus).read_text().splitlines() if line.strip()]


def worker(method: str, corpus: str, out: str) -> None:
    """Embed `corpus` (one sentence a line) with `method` and save the token vectors to `out` (.npy float16)."""
    import torch

    from ctxvec.encoding import default_model_path

    texts, path = _texts(corpus), default_model_path()
    if method == "sentence-transformers":
        from sentence_transformers import SentenceTransformer

        st = SentenceTransformer(path, device="cpu")
        parts = st.encode(texts, output_value="token_embeddings", convert_to_numpy=False)
        vectors = np.concatenate([p.float().numpy() for p in parts])
    elif method == "hf-pipeline":
        from transformers import pipeline

        pipe = pipeline("feature-extraction", model=path, tokenizer=path, device="cpu")
        parts = pipe(texts, batch_size=32, return_tensors=True)
        vectors = np.concatenate([p[0].float().numpy() for p in parts])
    else:
        from transformers import AutoModel, AutoTokenizer

        tok, model = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path).eval()
        with torch.inference_mode():
            if method == "blog":
                batch = tok(texts, padding=True, return_tensors="pt")
                h = model(**batch).last_hidden_state
                vectors = h[batch["attention_mask"].bool()].numpy()
            else:  # the plain length-sorted loop
                order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
                parts = []
                for i in range(0, len(order), 64):
                    batch = tok([texts[j] for j in order[i : i + 64]], padding=True, return_tensors="pt")
                    h = model(**batch).last_hidden_state
                    parts.append(h[batch["attention_mask"].bool()].numpy())
                vectors = np.concatenate(parts)
    np.save(out, vectors.astype(np.float16))


def command(method: str, corpus: str, out: str) -> list[str]:
    if method == "ctxvec":
        return [str(BIN / "ctxvec"), "embed", corpus, "-o", out, "--device", "cpu", "--quiet"]
    if method == "ctxvec-fp32":
        return [*command("ctxvec", corpus, out), "--compute-dtype", "float32"]
    if method == "ctxvec-int8":
        return [*command("ctxvec", corpus, out), "--compute-dtype", "int8"]
    if method == FIXED:
        return [*command("ctxvec", corpus, out), "--limit", "1"]
    return [sys.executable, __file__, "--worker", method, "--corpus", corpus, "--out", out]


def run(method: str, corpus: str, out: str, threads: int) -> dict[str, float]:
    """One whole process: wall seconds, CPU seconds and peak RSS (MB) of the child alone."""
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}
    # A child forked from this (large) process keeps its pre-exec RSS in ru_maxrss, so the peak comes from
    # GNU time, whose own child starts small; without it, ru_maxrss (an upper bound) is reported.
    timer = os.path.exists("/usr/bin/time")
    peak_file = Path(out).with_suffix(".peak")
    cmd = command(method, corpus, out)
    if timer:
        cmd = ["/usr/bin/time", "-f", "%M", "-o", str(peak_file), *cmd]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise RuntimeError(f"{method} failed: {proc.stderr.read().decode()[-2000:] if proc.stderr else status}")
    peak_kb = int(peak_file.read_text().split()[-1]) if timer else usage.ru_maxrss
    return {"seconds": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": peak_kb / 1024}


# ---- measurements ----------------------------------------------------------------------------------------


def count_tokens(corpus: str) -> int:
    from transformers import AutoTokenizer

    from ctxvec.encoding import default_model_path

    tok = AutoTokenizer.from_pretrained(default_model_path())
    return int(sum(len(ids) for ids in tok(_texts(corpus))["input_ids"]))


def fidelity(reference: np.ndarray, other: np.ndarray, queries: int, seed: int = 0) -> dict[str, float]:
    """Row cosines of `other` to `reference` (n_rows, dim), and the mean overlap of the top-10
    neighbours (cosine, the query itself excluded) of a seeded sample of `queries` rows among all rows."""
    a, b = reference.astype(np.float32), other.astype(np.float32)
    an, bn = a / np.linalg.norm(a, axis=1, keepdims=True), b / np.linalg.norm(b, axis=1, keepdims=True)
    cos = (an * bn).sum(1)
    rows = np.random.default_rng(seed).choice(len(a), size=min(queries, len(a)), replace=False)
    overlaps = []
    for s in range(0, len(rows), 256):
        q = rows[s : s + 256]
        tops = []
        for x in (an, bn):
            sims = x[q] @ x.T
            sims[np.arange(len(q)), q] = -np.inf
            tops.append(np.argpartition(-sims, 10, axis=1)[:, :10])
        overlaps += [len(np.intersect1d(p, r)) / 10 for p, r in zip(*tops, strict=True)]
    return {"mean_cos": float(cos.mean()), "min_cos": float(cos.min()), "top10": float(np.mean(overlaps))}


def matmul_gflops(dtype: str, size: int = 2048, seconds: float = 3.0) -> float:
    import torch

    a = torch.randn(size, size).to(getattr(torch, dtype))
    b = torch.randn(size, size).to(getattr(torch, dtype))
    a @ b
    n, t = 0, time.perf_counter()
    while time.perf_counter() - t < seconds:
        a @ b
        n += 1
    return 2 * size**3 * n / (time.perf_counter() - t) / 1e9


def flops_per_token(avg_len: float) -> float:
    """MiniLM-L6 forward FLOPs per token: dense layers plus attention at the average length."""
    d, ff, layers = 384, 1536, 6
    return 2 * layers * (4 * d * d + 2 * d * ff) + 4 * layers * avg_len * d


def load_vectors(method: str, out: str) -> np.ndarray:
    if method.startswith("ctxvec"):
        from ctxvec import Store

        return np.asarray(Store.open(out).vectors)
    return np.load(out)


def uptime() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--corpus", help=argparse.SUPPRESS)
    p.add_argument("--out", default="", help=argparse.SUPPRESS)
    p.add_argument("--n", type=int, default=3000, help="first N wiki sentences (default 3000)")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    p.add_argument("--reference-rounds", type=int, default=1, help="rounds with the HF pipeline and the blog (1)")
    p.add_argument("--blog-n", type=int, default=500, help="sentences the blog's method embeds (default 500)")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="threads of every method (default: cores)")
    p.add_argument("--queries", type=int, default=2000, help="sampled occurrences for the top-10 overlap")
    p.add_argument("--no-full", action="store_true", help="skip the whole-wiki run")
    args = p.parse_args()
    if args.worker:
        worker(args.worker, args.corpus, args.out)
        return

    from ctxvec import Store
    from ctxvec.corpus import read_corpus

    results: dict[str, list[dict[str, float]]] = {m: [] for m in (*METHODS, FIXED)}
    loads = [uptime()]
    peak = {"float32": matmul_gflops("float32"), "bfloat16": matmul_gflops("bfloat16")}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = f"{tmp}/sentences.txt"
        texts = read_corpus("wiki", limit=args.n).texts
        Path(corpus).write_text("\n".join(t.replace("\n", " ") for t in texts) + "\n")
        tokens = count_tokens(corpus)
        blog_corpus = f"{tmp}/blog.txt"
        Path(blog_corpus).write_text("\n".join(t.replace("\n", " ") for t in texts[: args.blog_n]) + "\n")
        tokens_of = {m: tokens for m in METHODS}
        tokens_of["blog"] = count_tokens(blog_corpus)
        outs = {m: f"{tmp}/{m}" + ("" if m.startswith("ctxvec") else ".npy") for m in (*METHODS, "ctxvec-int8", FIXED)}
        report = Report(args, tokens_of, peak, loads, results)
        for r in range(args.rounds):
            order = [m for m in (*METHODS, FIXED) if m not in REFERENCES or r < args.reference_rounds]
            for method in order if r % 2 == 0 else order[::-1]:
                source = blog_corpus if method == "blog" else corpus
                res = run(method, source, outs[method] + (f".{r}" if r else ""), args.threads)
                results[method].append(res)
                print(f"round {r} {method}: {res} load {uptime()}", flush=True)
            loads.append(uptime())
            if r == 0:  # fidelity and int8 from the first round's stores
                report.int8 = run("ctxvec-int8", corpus, outs["ctxvec-int8"], args.threads)
                print("ctxvec-int8", report.int8, flush=True)
                report.default_dtype = Store.open(outs["ctxvec"]).manifest["encode"]["compute_dtype"]
                fp32 = load_vectors("ctxvec-fp32", outs["ctxvec-fp32"])
                report.n_rows = len(fp32)
                report.fidelity = {
                    "bfloat16": fidelity(fp32, load_vectors("ctxvec", outs["ctxvec"]), args.queries),
                    "int8": fidelity(fp32, load_vectors("ctxvec-int8", outs["ctxvec-int8"]), args.queries),
                }
            if r == 1:
                second = load_vectors("ctxvec-fp32", outs["ctxvec-fp32"] + ".1")
                report.same_bytes = np.array_equal(load_vectors("ctxvec-fp32", outs["ctxvec-fp32"]), second)
            report.write(rounds_done=r + 1)  # after every round: an interrupted run still leaves its figures
        if not args.no_full:
            report.full = run("ctxvec", "wiki", f"{tmp}/full", args.threads)
            full_manifest = Store.open(f"{tmp}/full").manifest
            report.full.update(tokens=full_manifest["n_tokens"], rows=full_manifest["n_rows"])
            print("full", report.full, flush=True)
            loads.append(uptime())
            report.write(rounds_done=args.rounds)


class Report:
    """The bench_embed section of RESULTS.md from the rounds run so far."""

    def __init__(
        self,
        args: argparse.Namespace,
        tokens_of: dict[str, int],
        peak: dict[str, float],
        loads: list[str],
        results: dict,
    ):
        self.args, self.tokens_of, self.peak, self.loads, self.results = args, tokens_of, peak, loads, results
        self.tokens = tokens_of["ctxvec"]
        self.default_dtype = "?"
        self.int8: dict[str, float] = {}
        self.fidelity: dict[str, dict[str, float]] = {}
        self.n_rows = 0
        self.same_bytes: bool | None = None
        self.full: dict[str, float] | None = None

    def med(self, m: str, key: str = "seconds") -> float:
        return float(np.median([x[key] for x in self.results[m]]))

    def bound(self, st: float, avg_len: float) -> str:
        """The best whole-process ratio to sentence-transformers reachable here: the fixed cost of a process
        plus the forward of every token at 100 % of the measured bfloat16 matmul peak."""
        fixed, fixed_cpu = self.med(FIXED), self.med(FIXED, "cpu")
        flops = flops_per_token(avg_len)
        ideal = self.tokens * flops / (self.peak["bfloat16"] * 1e9)
        grows = self.med("ctxvec") - fixed
        budget = st / 2.5 - fixed
        needed = (
            f"the corpus-dependent part would have to take {budget:.1f} s, {ideal / budget:.0%} of the peak"
            if budget > ideal
            else "even a forward at 100 % of the peak is too slow"
        )
        return (
            f"Bound (this run, bfloat16): every `ctxvec embed` process pays a fixed **{fixed:.1f} s** "
            f"({fixed_cpu:.1f} CPU s: `{FIXED}`, one sentence embedded: interpreter, imports of torch and transformers, "
            f"model load, store, finalize, exit). The forward of the {self.tokens:,} tokens at 100 % of the measured "
            f"bfloat16 matmul peak ({flops / 1e6:.1f} MFLOP per token) would take {ideal:.1f} s, so the best whole "
            f"process reachable on this machine is {fixed + ideal:.1f} s = **{st / (fixed + ideal):.2f}× "
            f"sentence-transformers**. Today the part that grows with the corpus takes {grows:.1f} s "
            f"({ideal / grows:.0%} of the peak). For 2.5× ({st / 2.5:.1f} s in all) with today's fixed cost, {needed}."
        )

    def write(self, rounds_done: int) -> None:
        from _results import write_section

        args, tokens, peak, med = self.args, self.tokens, self.peak, self.med
        st = med("sentence-transformers")
        st_cpu_per_token = med("sentence-transformers", "cpu") / tokens
        compute = {"ctxvec": self.default_dtype, "ctxvec-fp32": "float32"}
        avg_len = tokens / args.n
        lines = [
            f"{args.n} `wiki` sentences ({tokens:,} real tokens), default model, {args.threads} threads for every "
            f"method, {rounds_done} of {args.rounds} alternating rounds (HF pipeline and blog: "
            f"{min(args.reference_rounds, rounds_done)}; the blog on the first {args.blog_n} sentences, "
            f"{self.tokens_of['blog']:,} tokens, compared per token). "
            f"Load average (1 min) before, after each round and at the end: {', '.join(self.loads)} on "
            f"{os.cpu_count()} cores. Whole processes: interpreter, imports, model loading, embedding, writing the "
            f"vectors. ctxvec's default precision on this machine: **{self.default_dtype}**. Matmul peak measured "
            f"in this run (2048², {args.threads} threads): float32 {peak['float32']:.0f} GFLOP/s, bfloat16 "
            f"{peak['bfloat16']:.0f} GFLOP/s.",
            "",
            "| method | compute | seconds, median (range) | tokens/s | × sentence-transformers | CPU s | "
            "× sentence-transformers (CPU s) | share of matmul peak | peak RSS |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for m in METHODS:
            secs = [x["seconds"] for x in self.results[m]]
            rate = self.tokens_of[m] / med(m)
            cpu_ratio = st_cpu_per_token / (med(m, "cpu") / self.tokens_of[m])
            c = compute.get(m, "float32")
            share = rate * flops_per_token(avg_len) / (peak.get(c, peak["float32"]) * 1e9)
            lines.append(
                f"| {m} | {c} | {med(m):.1f} ({min(secs):.1f}–{max(secs):.1f}) | {rate:,.0f} | {rate * st / tokens:.2f}× | "
                f"{med(m, 'cpu'):.1f} | {cpu_ratio:.2f}× | {share:.0%} | "
                f"{max(x['peak_mb'] for x in self.results[m]):,.0f} MB |"
            )
        lines += [
            "",
            f"Targets (wall-clock medians): default ≥ 1.5× sentence-transformers: **{st / med('ctxvec'):.2f}×**; "
            f"float32 ≥ 1.2× the plain loop: **{med('loop') / med('ctxvec-fp32'):.2f}×**; bfloat16 (the default "
            f"here) ≥ 2.5× sentence-transformers: **{st / med('ctxvec'):.2f}×**. int8 (opt-in, one run): "
            f"{self.int8['seconds']:.1f} s, {tokens / self.int8['seconds']:,.0f} tokens/s, "
            f"{self.int8['cpu']:.1f} CPU s.",
            "",
            self.bound(st, avg_len),
            "",
            f"Fidelity of the stored vectors (float16 storage) to float32 compute, {self.n_rows:,} word rows; top-10 "
            f"overlap over {min(args.queries, self.n_rows):,} occurrences drawn with seed 0, searched among all rows. "
            f"Thresholds for a default: mean cosine ≥ {MEAN_COS_MIN}, top-10 overlap ≥ {TOP10_MIN}.",
            "",
            "| compute | mean cosine | min cosine | top-10 overlap | clears the thresholds |",
            "|---|---:|---:|---:|---|",
        ]
        for name, f in self.fidelity.items():
            ok = f["mean_cos"] >= MEAN_COS_MIN and f["top10"] >= TOP10_MIN
            lines.append(
                f"| {name} | {f['mean_cos']:.6f} | {f['min_cos']:.5f} | {f['top10']:.4f} | {'yes' if ok else 'no'} |"
            )
        if self.same_bytes is not None:
            lines.append(f"\nTwo float32 runs wrote byte-identical vectors: {'yes' if self.same_bytes else 'no'}.")
        if self.full:
            f = self.full
            lines.append(
                f"\nWhole `wiki` corpus with the defaults ({f['rows']:,} word rows, {f['tokens']:,} tokens, one run): "
                f"{f['seconds']:.0f} s, {f['tokens'] / f['seconds']:,.0f} tokens/s, peak RSS {f['peak_mb']:,.0f} MB."
            )
        lines += ["", NOTES, "", NOTES_STARTUP]
        write_section("bench_embed", "\n".join(lines))


if __name__ == "__main__":
    main()
