"""The padding-free forward's kernels, side by side in one process: CPU seconds per variant over the same
packed batches, alternating rounds, and each variant's vectors against the model's own float32 forward.

Usage: OMP_NUM_THREADS=2 python benchmarks/kernels_ab.py [--n 1000] [--rounds 3] [--dtypes bfloat16 float32]

Variants (each in every requested compute precision):
- ``eager``: `encoding._unpadded` with the model's own modules (fused query/key/value, PyTorch's kernels);
- ``fused``: the same stack through oneDNN with weights packed once and bias, GELU and residual add in
  the matmul's epilogue (`_unpadded.FusedLayer`);
- ``jit``: each layer's dense blocks (the query/key/value matmul; attention output + feed-forward with
  their residuals and layer norms) traced with ``torch.jit.trace`` on 1,000 rows, frozen with
  ``torch.jit.freeze`` and run with ``torch.jit.enable_onednn_fusion(True)`` on batches of every other
  size (so a trace that baked its shapes shows up in the vectors);
- ``1 thread``: ``eager`` on one intra-op thread instead of two (CPU and wall time both shown).

Fidelity: float32 variants by their largest absolute difference to the model's own padded float32 forward
(the vectors bench_embed stores); bfloat16 variants by bench_embed's measure (mean and minimum row
cosine and top-10 overlap, float16 storage) against that forward. Writes its section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ctxvec.corpus import read_corpus
from ctxvec.encoding import BatchEncoder, EncodeSpec, PackedBatch
from ctxvec.encoding._unpadded import fused_layers
from ctxvec.runners._pipeline import batch_memory

sys.path.insert(0, str(Path(__file__).parent))
from bench_embed import MEAN_COS_MIN, TOP10_MIN, fidelity

JIT_TRACE_ROWS = 1000


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load1() -> float:
    return os.getloadavg()[0]


class JitLayer:
    """One layer's dense blocks traced and frozen (same methods as `_unpadded.FusedLayer`)."""

    def __init__(self, layer: Any, dim: int, dtype: torch.dtype):
        sa = layer.attention.self
        qkv = torch.nn.Linear(dim, 3 * dim).to(dtype)
        with torch.no_grad():
            qkv.weight.copy_(torch.cat([sa.query.weight, sa.key.weight, sa.value.weight]))
            qkv.bias.copy_(torch.cat([sa.query.bias, sa.key.bias, sa.value.bias]))

        class Dense(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.attention_output, self.intermediate, self.output = (
                    layer.attention.output,
                    layer.intermediate,
                    layer.output,
                )

            def forward(self, a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
                x = self.attention_output(a, x)
                return self.output(self.intermediate(x), x)

        example = torch.randn(JIT_TRACE_ROWS, dim).to(dtype)
        with torch.no_grad():
            self._qkv = torch.jit.freeze(torch.jit.trace(qkv.eval(), (example,)))
            self._dense = torch.jit.freeze(torch.jit.trace(Dense().eval(), (example, example)))

    def qkv(self, x: torch.Tensor) -> torch.Tensor:
        return self._qkv(x)

    def attention_output(self, a: torch.Tensor, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return (a, x)  # both blocks run in one traced graph (feed_forward)

    def feed_forward(self, ax: Any) -> torch.Tensor:
        return self._dense(*ax)


def vectors_of(enc: BatchEncoder, packed: list[PackedBatch], n_rows: int) -> np.ndarray:
    out = np.zeros((n_rows, enc.dim), dtype=np.float32)
    for p in packed:
        rows, vec = enc.forward(p)
        out[rows] = vec
    return out


def measure(
    dtype: str,
    rounds: int,
    packed: list[PackedBatch],
    n_rows: int,
    reference: np.ndarray,
    threads: int,
    loads: list[float],
) -> list[tuple[str, str, list[float], list[float], str]]:
    """Every variant of one compute precision, `rounds` alternating rounds: (dtype, variant, CPU s per
    round, wall s per round, the vectors against `reference`)."""
    enc = BatchEncoder.load(EncodeSpec(compute_dtype=dtype), device="cpu")
    model, torch_dtype = enc.model, getattr(torch, dtype)
    fused = fused_layers(model)
    t0 = cpu_seconds()
    jit = [JitLayer(layer, enc.dim, torch_dtype) for layer in model.encoder.layer]
    print(f"{dtype}: tracing and freezing took {cpu_seconds() - t0:.1f} CPU s", flush=True)

    def setup(kernels: list[Any] | None, n_threads: int) -> Callable[[], None]:
        def apply() -> None:
            enc.fused = kernels is not None  # type: ignore[misc]
            if kernels is not None:
                object.__setattr__(model, "_ctxvec_fused", kernels)
            torch.set_num_threads(n_threads)

        return apply

    variants = {
        "eager": setup(None, threads),
        "fused": setup(fused, threads),
        "jit (trace + freeze + oneDNN fusion)": setup(jit, threads),
        "eager, 1 thread": setup(None, 1),
    }
    torch.jit.enable_onednn_fusion(True)
    seen: dict[str, tuple[list[float], list[float]]] = {v: ([], []) for v in variants}
    vecs: dict[str, np.ndarray] = {}
    with batch_memory(), torch.inference_mode():
        for apply in variants.values():  # warm-up (and the jit's profiling runs)
            apply()
            for _ in range(2):
                vectors_of(enc, packed[:2], n_rows)
        for r in range(rounds):
            for name in list(variants) if r % 2 == 0 else list(variants)[::-1]:
                variants[name]()
                wall, cpu = time.perf_counter(), cpu_seconds()
                vecs[name] = vectors_of(enc, packed, n_rows)
                seen[name][0].append(cpu_seconds() - cpu)
                seen[name][1].append(time.perf_counter() - wall)
                print(f"{dtype} {name}: cpu {seen[name][0][-1]:.2f} s, wall {seen[name][1][-1]:.2f} s", flush=True)
            loads.append(load1())
    torch.set_num_threads(threads)
    torch.jit.enable_onednn_fusion(False)
    rows = []
    for name in variants:
        if dtype == "float32":
            diff = float(np.abs(vecs[name] - reference).max())
            same = "bit-identical" if diff == 0 else f"max abs diff {diff:.1e}"
        else:
            f = fidelity(reference, vecs[name].astype(np.float16), 2000)
            ok = f["mean_cos"] >= MEAN_COS_MIN and f["top10"] >= TOP10_MIN
            same = f"mean cos {f['mean_cos']:.6f}, min {f['min_cos']:.5f}, top-10 {f['top10']:.4f}" + (
                "" if ok else " (below the thresholds)"
            )
        rows.append((dtype, name, *seen[name], same))
        print(dtype, name, same, flush=True)
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1000, help="wiki sentences")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--dtypes", nargs="+", default=["bfloat16", "float32"])
    p.add_argument("--no-write", action="store_true", help="print, do not write RESULTS.md")
    args = p.parse_args()
    threads = torch.get_num_threads()
    texts = read_corpus("wiki", limit=args.n).texts
    ref_enc = BatchEncoder.load(EncodeSpec(compute_dtype="float32"), device="cpu")
    ref_enc.unpadded = False  # type: ignore[misc]  # the model's own padded forward
    tok = ref_enc.tokenize(texts)
    packed = [ref_enc.prepare(tok, c) for c in ref_enc.plan(tok)]
    with batch_memory():
        reference = vectors_of(ref_enc, packed, tok.n_rows)
    del ref_enc
    loads = [load1()]
    rows: list[tuple[str, str, list[float], list[float], str]] = []
    for dtype in args.dtypes:
        rows += measure(dtype, args.rounds, packed, tok.n_rows, reference, threads, loads)
    report(args, tok, packed, threads, loads, rows)


def report(args: argparse.Namespace, tok: Any, packed: list[PackedBatch], threads: int, loads: list[float],
           rows: list[tuple[str, str, list[float], list[float], str]]) -> None:  # fmt: skip
    base = {d: statistics.median(c) for d, n, c, _, _ in rows if n == "eager"}
    lines = [
        f"{args.n} `wiki` sentences ({tok.n_tokens:,} real tokens, {len(packed)} batches at the default token "
        f"budget), default model, {threads} intra-op threads, in one process: forward passes and pooling only (no "
        f"tokenizing, no writing), large blocks on the heap (`batch_memory`). {args.rounds} alternating rounds "
        f"after a warm-up; CPU seconds of the process (user + sys). Load average (1 min) at the start and after "
        f"each round: {', '.join(f'{x:.2f}' for x in loads)} on {os.cpu_count()} cores.",
        "",
        "| compute | forward | CPU s, median (range) | × eager (CPU) | wall s, median | vectors against the model's "
        "own float32 forward |",
        "|---|---|---:|---:|---:|---|",
    ]
    for dtype, name, cpus, walls, same in rows:
        med = statistics.median(cpus)
        lines.append(
            f"| {dtype} | {name} | {med:.2f} ({min(cpus):.2f}–{max(cpus):.2f}) | {base[dtype] / med:.2f}× | "
            f"{statistics.median(walls):.2f} | {same} |"
        )
    lines += [
        "",
        f"bfloat16 fidelity as bench_embed measures it (thresholds: mean cosine ≥ {MEAN_COS_MIN}, top-10 overlap "
        f"≥ {TOP10_MIN}), on these {tok.n_rows:,} rows.",
    ]
    text = "\n".join(lines)
    if args.no_write:
        print(text)
    else:
        from _results import write_section

        write_section("kernels_ab", text)


if __name__ == "__main__":
    main()
