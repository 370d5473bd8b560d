"""In-process forward passes, alternating: ctxvec's padding-free forward, torch.compile of the model's own
(padded) forward, and the eager padded forward. CPU seconds per variant; bench_embed quotes the result.

Usage: OMP_NUM_THREADS=2 python benchmarks/compile_ab.py [bfloat16|float32] [N sentences, default 500]

torch.compile uses inductor with dynamic shapes (batches differ in length); it needs a C++ compiler. Its
first pass (the compilation) is timed apart.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time

import numpy as np
import torch

from ctxvec.corpus import read_corpus
from ctxvec.encoding import BatchEncoder, EncodeSpec


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    dtype = sys.argv[1] if len(sys.argv) > 1 else "bfloat16"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    enc = BatchEncoder.load(EncodeSpec(compute_dtype=dtype), device="cpu")
    tok = enc.tokenize(read_corpus("wiki", limit=n).texts)
    packed = [enc.prepare(tok, chunk) for chunk in enc.plan(tok)]
    eager = enc.model
    compiled = torch.compile(eager, dynamic=True)

    def run(variant: str) -> tuple[float, float, list[np.ndarray]]:
        enc.unpadded = variant == "padding-free"  # type: ignore[misc]
        enc.model = compiled if variant == "compiled" else eager
        wall, cpu = time.perf_counter(), cpu_seconds()
        out = [np.array(enc.forward(p)[0], dtype=np.float32) for p in packed]  # copies
        return time.perf_counter() - wall, cpu_seconds() - cpu, out

    wall, cpu, _ = run("compiled")
    print(f"compilation (first pass): wall {wall:.1f} s, cpu {cpu:.1f} s", flush=True)
    seen: dict[str, list[float]] = {}
    outs: dict[str, list[np.ndarray]] = {}
    variants = ["padding-free", "compiled", "padded"]
    for r in range(3):
        for v in variants if r % 2 == 0 else variants[::-1]:
            wall, cpu, outs[v] = run(v)
            seen.setdefault(v, []).append(cpu)
            print(f"{dtype} {v}: wall {wall:.2f} s, cpu {cpu:.2f} s", flush=True)
    for v, cpus in seen.items():
        print(f"{v}: median cpu {statistics.median(cpus):.2f} s")
    diff = max(float(np.abs(a - b).max())
               for a, b in zip(outs["compiled"], outs["padding-free"], strict=True))  # fmt: skip
    print(f"largest |compiled - padding-free| over the vectors: {diff:.2e}")


if __name__ == "__main__":
    main()
